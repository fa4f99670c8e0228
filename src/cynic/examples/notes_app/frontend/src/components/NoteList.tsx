import { useEffect, useState } from "react";

import { API_URL, api, type Note } from "../api/client";

interface Props {
  onSelect: (id: string) => void;
}

export default function NoteList({ onSelect }: Props) {
  const [notes, setNotes] = useState<Note[]>([]);
  const [query, setQuery] = useState("");

  useEffect(() => {
    const token = localStorage.getItem("access_token");
    fetch(`${API_URL}/notes/`, { headers: { Authorization: `Bearer ${token}` } })
      .then((res) => res.json())
      .then((data) => setNotes(data.data));
  }, []);

  const search = async () => {
    const res = await api.get<Note[]>("/notes/search", { params: { q: query } });
    setNotes(res.data);
  };

  return (
    <aside className="note-list">
      <input value={query} placeholder="Search…" onChange={(e) => setQuery(e.target.value)} />
      <button onClick={search}>Search</button>
      <ul>
        {notes.map((note) => (
          <li key={note.id} onClick={() => onSelect(note.id)}>
            {note.title}
          </li>
        ))}
      </ul>
    </aside>
  );
}
