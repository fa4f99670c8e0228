import { useState } from "react";

import GithubStars from "./components/GithubStars";
import LoginForm from "./components/LoginForm";
import NoteEditor from "./components/NoteEditor";
import NoteList from "./components/NoteList";
import NoteView from "./components/NoteView";
import useAuth from "./hooks/useAuth";
import useTheme from "./hooks/useTheme";

export default function App() {
  const { user, error, login, logout } = useAuth();
  const { theme, toggle } = useTheme();
  const [selected, setSelected] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  if (!user) {
    return <LoginForm error={error} onLogin={login} />;
  }

  return (
    <div className="app">
      <header>
        <span>{user.full_name ?? user.email}</span>
        <button onClick={toggle}>{theme === "light" ? "Dark" : "Light"} mode</button>
        <button onClick={logout}>Log out</button>
      </header>
      <main>
        <NoteList key={refreshKey} onSelect={setSelected} />
        {selected ? (
          <NoteView
            noteId={selected}
            onDeleted={() => {
              setSelected(null);
              setRefreshKey((k) => k + 1);
            }}
          />
        ) : (
          <NoteEditor onCreated={(note) => { setSelected(note.id); setRefreshKey((k) => k + 1); }} />
        )}
      </main>
      <footer>
        <GithubStars />
      </footer>
    </div>
  );
}
