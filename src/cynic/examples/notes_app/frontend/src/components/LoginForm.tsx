import { useState, type FormEvent } from "react";

interface Props {
  error: string | null;
  onLogin: (email: string, password: string, rememberMe: boolean) => Promise<void>;
}

export default function LoginForm({ error, onLogin }: Props) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [rememberMe, setRememberMe] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onLogin(email, password, rememberMe);
  };

  return (
    <form className="login" onSubmit={submit}>
      <h1>Sign in</h1>
      <input type="email" placeholder="Email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <input
        type="password"
        placeholder="Password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <label>
        <input type="checkbox" checked={rememberMe} onChange={(e) => setRememberMe(e.target.checked)} />
        Remember me
      </label>
      {error && <p className="error">{error}</p>}
      <button type="submit">Log in</button>
    </form>
  );
}
