import { describe, expect, it } from "vitest";
import { LogBuffer } from "../src/lib/logBuffer";
import { highlightVerilog } from "../src/lib/verilogHighlight";
import { jobUpdatesUrl } from "../src/api/ws";

describe("LogBuffer", () => {
  it("joins lines split across chunks and keeps the unfinished tail last", () => {
    const buffer = new LogBuffer();
    buffer.append("a\nb");
    expect(buffer.length).toBe(2);
    expect(buffer.line(1)).toBe("b");
    buffer.append("c\r\nd\n");
    expect([0, 1, 2].map((i) => buffer.line(i))).toEqual(["a", "bc", "d"]);
    expect(buffer.length).toBe(3);
    expect(buffer.findFrom("BC", 0)).toEqual([1]);
  });
});

describe("highlightVerilog", () => {
  it("colours keywords, comments, numbers, strings and system tasks, escaping HTML", () => {
    const html = highlightVerilog('module top(input clk); // a<b\n  assign x = 8\'hFF; $display("hi");\nendmodule');
    expect(html).toContain('<span class="tok-keyword">module</span>');
    expect(html).toContain('<span class="tok-comment">// a&lt;b</span>');
    expect(html).toContain('<span class="tok-number">8\'hFF</span>');
    expect(html).toContain('<span class="tok-system">$display</span>');
    expect(html).toContain('<span class="tok-string">"hi"</span>');
    expect(html).toContain('<span class="tok-keyword">endmodule</span>');
    expect(html).not.toContain("<b");
  });
});

describe("jobUpdatesUrl", () => {
  it("uses the page's host and scheme, and puts the ticket (never a JWT) in the query", () => {
    const url = jobUpdatesUrl(5, 12, "abc", { protocol: "https:", host: "hub.example:8443" } as Location);
    expect(url).toBe("wss://hub.example:8443/api/v1/ws/jobs/5/updates?since=12&ticket=abc");
  });
});
