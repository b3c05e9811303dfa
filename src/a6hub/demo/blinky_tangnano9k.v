// Blinky for the Tang Nano 9K (Gowin GW1NR-LV9QN88PC6/I5): the 27 MHz clock divided down to the
// six LEDs, which light when their pin is low.
module blinky_tangnano9k (
    input  wire       clk,
    output wire [5:0] led
);
    reg [27:0] counter = 0;

    always @(posedge clk)
        counter <= counter + 1;

    assign led = ~counter[27:22];
endmodule
