import { useEffect, useState } from "react";

import { api, type Note } from "../api/client";

interface Props {
  noteId: string;
  onDeleted: () => void;
}

export default function NoteView({ noteId, onDeleted }: Props) {
  const [note, setNote] = useState<Note | null>(null);

  useEffect(() => {
    api.get<Note>(`/notes/${noteId}`).then((res) => setNote(res.data));
  }, [noteId]);

  const remove = async () => {
    await api.delete(`/notes/${noteId}`);
    onDeleted();
  };

  if (!note) {
    return <p>Loading…</p>;
  }

  return (
    <article className="note">
      <h2>{note.title}</h2>
      <small>{new Date(note.created_at).toLocaleString()}</small>
      <div className="note-body" dangerouslySetInnerHTML={{ __html: note.body_html }} />
      <button onClick={remove}>Delete</button>
    </article>
  );
}
