import { useEffect, useState } from "react";

// Public, unauthenticated GitHub API: no cookies must be sent here.
export default function GithubStars() {
  const [stars, setStars] = useState<number | null>(null);

  useEffect(() => {
    fetch("https://api.github.com/repos/fastapi/fastapi")
      .then((res) => res.json())
      .then((repo) => setStars(repo.stargazers_count))
      .catch(() => setStars(null));
  }, []);

  return <span className="stars">Built with FastAPI {stars !== null && `(★ ${stars})`}</span>;
}
