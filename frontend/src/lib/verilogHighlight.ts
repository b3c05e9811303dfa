// A small Verilog/SystemVerilog highlighter: one regex pass, HTML-escaped output
// wrapped in <span class="tok-..."> for the editor's overlay.

const KEYWORDS = new Set(
  (
    "always always_comb always_ff always_latch and assign automatic begin buf case casex casez cmos deassign default " +
    "defparam disable edge else end endcase endfunction endgenerate endmodule endprimitive endspecify endtable endtask " +
    "event for force forever fork function generate genvar if ifnone initial inout input integer join join_any " +
    "join_none localparam logic macromodule module nand negedge nmos nor not or output parameter posedge primitive " +
    "pulldown pullup real realtime reg release repeat signed specify specparam supply0 supply1 table task time tri " +
    "typedef enum struct packed unsigned wait while wire wor xor xnor bit byte int shortint longint interface " +
    "endinterface modport package endpackage import return break continue unique priority"
  ).split(" "),
);

const TOKEN = new RegExp(
  [
    String.raw`(?<comment>\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))`,
    String.raw`(?<string>"(?:[^"\\\n]|\\.)*"?)`,
    String.raw`(?<directive>\x60[A-Za-z_]\w*)`,
    String.raw`(?<system>\$[A-Za-z_]\w*)`,
    String.raw`(?<number>(?:\d[\d_]*)?'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ?_]+|\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b)`,
    String.raw`(?<word>\b[A-Za-z_][\w$]*\b)`,
  ].join("|"),
  "g",
);

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function span(kind: string, text: string): string {
  return `<span class="tok-${kind}">${escapeHtml(text)}</span>`;
}

export function highlightVerilog(source: string): string {
  let html = "";
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    html += escapeHtml(source.slice(last, index));
    const groups = match.groups ?? {};
    const text = match[0];
    if (groups.comment) html += span("comment", text);
    else if (groups.string) html += span("string", text);
    else if (groups.directive) html += span("directive", text);
    else if (groups.system) html += span("system", text);
    else if (groups.number) html += span("number", text);
    else if (KEYWORDS.has(text)) html += span("keyword", text);
    else html += escapeHtml(text);
    last = index + text.length;
  }
  return html + escapeHtml(source.slice(last));
}

export function isVerilogPath(path: string): boolean {
  return /\.(v|vh|sv|svh)$/i.test(path);
}
