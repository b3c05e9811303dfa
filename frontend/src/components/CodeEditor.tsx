import { useMemo, useRef } from "react";
import { escapeHtml, highlightVerilog } from "../lib/verilogHighlight";

interface Props {
  value: string;
  onChange: (value: string) => void;
  highlight: boolean;
  onSave?: () => void;
  readOnly?: boolean;
}

/** A textarea over a highlighted <pre>: native editing, coloured text, scroll kept in sync. */
export function CodeEditor({ value, onChange, highlight, onSave, readOnly }: Props) {
  const preRef = useRef<HTMLPreElement>(null);
  // the trailing newline keeps the overlay as tall as the textarea's last empty line
  const html = useMemo(() => (highlight ? highlightVerilog(value) : escapeHtml(value)) + "\n", [value, highlight]);

  return (
    <div className="code-editor">
      <pre ref={preRef} className="code-layer" aria-hidden="true" dangerouslySetInnerHTML={{ __html: html }} />
      <textarea
        className="code-input"
        aria-label="File content"
        spellCheck={false}
        value={value}
        readOnly={readOnly}
        onChange={(event) => onChange(event.target.value)}
        onScroll={(event) => {
          if (!preRef.current) return;
          preRef.current.scrollTop = event.currentTarget.scrollTop;
          preRef.current.scrollLeft = event.currentTarget.scrollLeft;
        }}
        onKeyDown={(event) => {
          if ((event.ctrlKey || event.metaKey) && event.key === "s") {
            event.preventDefault();
            onSave?.();
          }
        }}
      />
    </div>
  );
}
