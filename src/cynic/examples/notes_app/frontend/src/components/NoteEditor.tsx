import DOMPurify from "dompurify";
import { marked } from "marked";
import { useState } from "react";

import { api, type Note } from "../api/client";

interface Props {
  onCreated: (note: Note) => void;
}

export default function NoteEditor({ onCreated }: Props) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");

  const save = async () => {
    const res = await api.post<Note>("/notes/", { title, body });
    setTitle("");
    setBody("");
    onCreated(res.data);
  };

  return (
    <section className="editor">
      <input value={title} placeholder="Title" onChange={(e) => setTitle(e.target.value)} />
      <textarea value={body} rows={10} onChange={(e) => setBody(e.target.value)} />
      <div
        className="preview"
        dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(marked.parse(body, { async: false })) }}
      />
      <button onClick={save} disabled={!title}>
        Save
      </button>
    </section>
  );
}
