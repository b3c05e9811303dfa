`timescale 1ns/1ps
// Testbench: runs the blinky for a while and checks the counter really counts.
module blinky_tb;
    reg clk = 0;
    wire led_red, led_green;

    blinky dut (.clk(clk), .led_red(led_red), .led_green(led_green));

    always #41.667 clk = ~clk;  // 12 MHz

    initial begin
        $dumpfile("blinky_tb.vcd");
        $dumpvars(0, blinky_tb);
        repeat (1000) @(posedge clk);
        #1;
        if (dut.counter != 1000) $fatal(1, "counter is %0d after 1000 clocks, expected 1000", dut.counter);
        $display("PASS: counter = %0d after 1000 clocks", dut.counter);
        $finish;
    end
endmodule
