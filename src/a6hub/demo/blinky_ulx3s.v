// Blinky for the ULX3S (ECP5 LFE5U-85F or -25F, CABGA381): the 25 MHz clock divided down to the LEDs.
module blinky_ulx3s (
    input  wire       clk_25mhz,
    output wire [7:0] led
);
    reg [27:0] counter = 0;

    always @(posedge clk_25mhz)
        counter <= counter + 1;

    assign led = counter[27:20];
endmodule
