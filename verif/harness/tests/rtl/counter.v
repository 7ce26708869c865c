// Test DUT of the harness: an up-counter with synchronous active-low reset and enable,
// plus a 32-bit register that is never reset (shows Verilator's random reset and seed) and a
// 96-bit combinational path (wide signals); finish_i / stop_i call $finish / $stop at an edge.
module counter #(
  parameter int W = 8
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         en_i,
  output logic [W-1:0] count_o,
  output logic         wrap_o,
  output logic [31:0]  noreset_o,
  input  logic [95:0]  wide_i,
  output logic [95:0]  wide_o,
  input  logic         finish_i,
  input  logic         stop_i
);
  logic [W-1:0] count_q, count_d;
  logic [31:0] noreset_q;

  assign count_d = en_i ? count_q + 1'b1 : count_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) count_q <= '0;
    else count_q <= count_d;
  end

  always_ff @(posedge clk_i) noreset_q <= noreset_q;

  assign count_o = count_q;
  assign wrap_o = en_i && (count_q == {W{1'b1}});
  assign noreset_o = noreset_q;

  always_ff @(posedge clk_i) begin
    if (finish_i) $finish;
    if (stop_i) $stop;
  end
  assign wide_o = ~wide_i;
endmodule
