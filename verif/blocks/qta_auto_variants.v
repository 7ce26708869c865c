// Test fixture for block_auto_tests: seven qta_auto instances of different array sizes and
// dataflow sets on the same descriptor inputs, so that one small Verilator model checks the
// decision against qta::perf for all of them. Instance i drives bit i of os_o and word i (64 bits)
// of ws_cycles_o / os_cycles_o. The C++ side (test_auto.cpp, kVariants) lists the same table.
module qta_auto_variants (
  input  wire [15:0]    m_i,
  input  wire [15:0]    n_i,
  input  wire [15:0]    k_i,
  input  wire [1:0]     dataflow_i,
  output wire [6:0]     os_o,
  output wire [7*64-1:0] ws_cycles_o,
  output wire [7*64-1:0] os_cycles_o
);
  qta_auto #(.R(8),   .C(8),   .SUPPORT_WS(1), .SUPPORT_OS(1)) u_8x8 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[0*64 +: 64]), .os_cycles_o(os_cycles_o[0*64 +: 64]), .os_o(os_o[0]));
  qta_auto #(.R(16),  .C(8),   .SUPPORT_WS(1), .SUPPORT_OS(1)) u_16x8 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[1*64 +: 64]), .os_cycles_o(os_cycles_o[1*64 +: 64]), .os_o(os_o[1]));
  qta_auto #(.R(64),  .C(64),  .SUPPORT_WS(1), .SUPPORT_OS(1)) u_64x64 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[2*64 +: 64]), .os_cycles_o(os_cycles_o[2*64 +: 64]), .os_o(os_o[2]));
  qta_auto #(.R(1),   .C(128), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_1x128 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[3*64 +: 64]), .os_cycles_o(os_cycles_o[3*64 +: 64]), .os_o(os_o[3]));
  qta_auto #(.R(128), .C(128), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_128x128 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[4*64 +: 64]), .os_cycles_o(os_cycles_o[4*64 +: 64]), .os_o(os_o[4]));
  qta_auto #(.R(8),   .C(8),   .SUPPORT_WS(1), .SUPPORT_OS(0)) u_8x8_ws (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[5*64 +: 64]), .os_cycles_o(os_cycles_o[5*64 +: 64]), .os_o(os_o[5]));
  qta_auto #(.R(64),  .C(64),  .SUPPORT_WS(0), .SUPPORT_OS(1)) u_64x64_os (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[6*64 +: 64]), .os_cycles_o(os_cycles_o[6*64 +: 64]), .os_o(os_o[6]));
endmodule
