// Test fixture for block_auto_tests: the scheduler's dataflow decision as one combinational
// block, qta_auto's cycle counts fed straight into qta_auto_pick. (The scheduler registers the
// counts between the two, in CHECK, and compares them in CLEAR; the values are the same.)
module qta_auto_decision #(
  parameter integer R          = 8,
  parameter integer C          = 8,
  parameter integer G          = 1,
  parameter integer GR         = 1,
  parameter integer SUPPORT_WS = 1,
  parameter integer SUPPORT_OS = 1
) (
  input  wire [15:0] m_i,
  input  wire [15:0] n_i,
  input  wire [15:0] k_i,
  input  wire [2:0]  dataflow_i,
  output wire [63:0] ws_cycles_o,
  output wire [63:0] os_cycles_o,
  output wire [63:0] wsc_cycles_o,
  output wire        wsc_fits_o,
  output wire [63:0] wsr_cycles_o,
  output wire        wsr_fits_o,
  output wire [2:0]  dataflow_o
);
  localparam integer CW = 50;  // qta_auto's counts, zero-extended to 64
  qta_auto #(.R(R), .C(C), .G(G), .GR(GR), .SUPPORT_WS(SUPPORT_WS)) u_auto (
    .m_i, .n_i, .k_i, .ws_cycles_o, .os_cycles_o, .wsc_cycles_o, .wsc_fits_o, .wsr_cycles_o, .wsr_fits_o);
  qta_auto_pick #(.CW(CW), .SUPPORT_WS(SUPPORT_WS), .SUPPORT_OS(SUPPORT_OS)) u_pick (
    .ws_cycles_i(ws_cycles_o[CW-1:0]), .os_cycles_i(os_cycles_o[CW-1:0]),
    .wsc_cycles_i(wsc_cycles_o[CW-1:0]), .wsc_fits_i(wsc_fits_o),
    .wsr_cycles_i(wsr_cycles_o[CW-1:0]), .wsr_fits_i(wsr_fits_o), .dataflow_i, .dataflow_o);
  wire unused_high = ^{ws_cycles_o[63:CW], os_cycles_o[63:CW], wsc_cycles_o[63:CW], wsr_cycles_o[63:CW]};
endmodule
