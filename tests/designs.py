"""Verilog testbenches the tests simulate: a clock of log lines, an endless run, a failing check."""

from __future__ import annotations


def ticking_tb(name: str, ticks: int | None, work: int = 300_000) -> bytes:
    """A testbench printing ``tick N`` about every 0.1 s, ``ticks`` times (forever if ``None``)."""
    loop = f"for (i = 0; i < {ticks}; i = i + 1)" if ticks is not None else "for (i = 0; 1; i = i + 1)"
    return f"""module {name};
    integer i, j, acc;
    initial begin
        acc = 0;
        {loop} begin
            for (j = 0; j < {work}; j = j + 1) acc = acc + j;
            $display("tick %0d", i);
            $fflush;
        end
        $finish;
    end
endmodule
""".encode()


# Runs until stopped (cancel, timeout, a killed worker), a line every 1,000 simulated steps.
ENDLESS_TB = b"""`timescale 1ns/1ps
module endless_tb;
    integer n = 0;
    initial forever begin
        #1000 n = n + 1;
        if (n % 1000 == 0) $display("tick %0d", n);
    end
endmodule
"""

FAILING_TB = b"""module failing_tb;
    initial begin
        $display("checking the adder");
        if (1 + 1 != 3) $error("1 + 1 is not 3");
        $finish;
    end
endmodule
"""
