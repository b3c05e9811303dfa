// Blinky for the iCEBreaker (iCE40 UP5K, sg48): a 12 MHz clock divided down to the LEDs.
module blinky (
    input  wire clk,
    output wire led_red,
    output wire led_green
);
    reg [23:0] counter = 0;

    always @(posedge clk)
        counter <= counter + 1;

    assign led_red   = counter[23];
    assign led_green = counter[22];
endmodule
