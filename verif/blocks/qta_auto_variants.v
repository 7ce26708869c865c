// Test fixture for block_auto_tests: 12 instances of the scheduler's dataflow decision
// (qta_auto_decision.v: qta_auto and qta_auto_pick) of different array sizes, column groups, row
// groups and dataflow sets on the same descriptor inputs, so that one small Verilator model checks
// the decision against qta::perf for all of them. Instance i drives bits 3i+2:3i of dataflow_o,
// bit i of wsc_fits_o and wsr_fits_o and word i (64 bits) of ws_cycles_o / os_cycles_o /
// wsc_cycles_o / wsr_cycles_o. The C++ side (test_auto.cpp, kVariants) lists the same table.
module qta_auto_variants (
  input  wire [15:0]     m_i,
  input  wire [15:0]     n_i,
  input  wire [15:0]     k_i,
  input  wire [2:0]      dataflow_i,
  output wire [12*3-1:0]  dataflow_o,
  output wire [12*64-1:0] ws_cycles_o,
  output wire [12*64-1:0] os_cycles_o,
  output wire [12*64-1:0] wsc_cycles_o,
  output wire [12-1:0]    wsc_fits_o,
  output wire [12*64-1:0] wsr_cycles_o,
  output wire [12-1:0]    wsr_fits_o
);
  // Instance i: R, C, G, GR, SUPPORT_WS, SUPPORT_OS as in test_auto.cpp's kVariants[i].
  qta_auto_decision #(.R(8), .C(8), .G(4), .GR(2), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_8x8 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[0*64 +: 64]), .os_cycles_o(os_cycles_o[0*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[0*64 +: 64]), .wsc_fits_o(wsc_fits_o[0]),
    .wsr_cycles_o(wsr_cycles_o[0*64 +: 64]), .wsr_fits_o(wsr_fits_o[0]), .dataflow_o(dataflow_o[0*3 +: 3]));
  qta_auto_decision #(.R(16), .C(8), .G(2), .GR(4), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_16x8 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[1*64 +: 64]), .os_cycles_o(os_cycles_o[1*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[1*64 +: 64]), .wsc_fits_o(wsc_fits_o[1]),
    .wsr_cycles_o(wsr_cycles_o[1*64 +: 64]), .wsr_fits_o(wsr_fits_o[1]), .dataflow_o(dataflow_o[1*3 +: 3]));
  qta_auto_decision #(.R(64), .C(64), .G(4), .GR(4), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_64x64 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[2*64 +: 64]), .os_cycles_o(os_cycles_o[2*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[2*64 +: 64]), .wsc_fits_o(wsc_fits_o[2]),
    .wsr_cycles_o(wsr_cycles_o[2*64 +: 64]), .wsr_fits_o(wsr_fits_o[2]), .dataflow_o(dataflow_o[2*3 +: 3]));
  qta_auto_decision #(.R(1), .C(128), .G(16), .GR(1), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_1x128 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[3*64 +: 64]), .os_cycles_o(os_cycles_o[3*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[3*64 +: 64]), .wsc_fits_o(wsc_fits_o[3]),
    .wsr_cycles_o(wsr_cycles_o[3*64 +: 64]), .wsr_fits_o(wsr_fits_o[3]), .dataflow_o(dataflow_o[3*3 +: 3]));
  qta_auto_decision #(.R(128), .C(128), .G(4), .GR(16), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_128x128 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[4*64 +: 64]), .os_cycles_o(os_cycles_o[4*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[4*64 +: 64]), .wsc_fits_o(wsc_fits_o[4]),
    .wsr_cycles_o(wsr_cycles_o[4*64 +: 64]), .wsr_fits_o(wsr_fits_o[4]), .dataflow_o(dataflow_o[4*3 +: 3]));
  qta_auto_decision #(.R(8), .C(8), .G(2), .GR(2), .SUPPORT_WS(1), .SUPPORT_OS(0)) u_8x8_ws (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[5*64 +: 64]), .os_cycles_o(os_cycles_o[5*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[5*64 +: 64]), .wsc_fits_o(wsc_fits_o[5]),
    .wsr_cycles_o(wsr_cycles_o[5*64 +: 64]), .wsr_fits_o(wsr_fits_o[5]), .dataflow_o(dataflow_o[5*3 +: 3]));
  qta_auto_decision #(.R(64), .C(64), .G(1), .GR(1), .SUPPORT_WS(0), .SUPPORT_OS(1)) u_64x64_os (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[6*64 +: 64]), .os_cycles_o(os_cycles_o[6*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[6*64 +: 64]), .wsc_fits_o(wsc_fits_o[6]),
    .wsr_cycles_o(wsr_cycles_o[6*64 +: 64]), .wsr_fits_o(wsr_fits_o[6]), .dataflow_o(dataflow_o[6*3 +: 3]));
  qta_auto_decision #(.R(16), .C(16), .G(1), .GR(1), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_16x16_g1 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[7*64 +: 64]), .os_cycles_o(os_cycles_o[7*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[7*64 +: 64]), .wsc_fits_o(wsc_fits_o[7]),
    .wsr_cycles_o(wsr_cycles_o[7*64 +: 64]), .wsr_fits_o(wsr_fits_o[7]), .dataflow_o(dataflow_o[7*3 +: 3]));
  qta_auto_decision #(.R(32), .C(16), .G(1), .GR(8), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_32x16_gr8 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[8*64 +: 64]), .os_cycles_o(os_cycles_o[8*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[8*64 +: 64]), .wsc_fits_o(wsc_fits_o[8]),
    .wsr_cycles_o(wsr_cycles_o[8*64 +: 64]), .wsr_fits_o(wsr_fits_o[8]), .dataflow_o(dataflow_o[8*3 +: 3]));
  qta_auto_decision #(.R(16), .C(16), .G(1), .GR(16), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_16x16_gr16 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[9*64 +: 64]), .os_cycles_o(os_cycles_o[9*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[9*64 +: 64]), .wsc_fits_o(wsc_fits_o[9]),
    .wsr_cycles_o(wsr_cycles_o[9*64 +: 64]), .wsr_fits_o(wsr_fits_o[9]), .dataflow_o(dataflow_o[9*3 +: 3]));
  qta_auto_decision #(.R(16), .C(16), .G(1), .GR(4), .SUPPORT_WS(1), .SUPPORT_OS(0)) u_16x16_gr4_ws (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[10*64 +: 64]), .os_cycles_o(os_cycles_o[10*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[10*64 +: 64]), .wsc_fits_o(wsc_fits_o[10]),
    .wsr_cycles_o(wsr_cycles_o[10*64 +: 64]), .wsr_fits_o(wsr_fits_o[10]), .dataflow_o(dataflow_o[10*3 +: 3]));
  qta_auto_decision #(.R(64), .C(64), .G(4), .GR(2), .SUPPORT_WS(1), .SUPPORT_OS(1)) u_64x64_gr2 (
    .m_i, .n_i, .k_i, .dataflow_i, .ws_cycles_o(ws_cycles_o[11*64 +: 64]), .os_cycles_o(os_cycles_o[11*64 +: 64]),
    .wsc_cycles_o(wsc_cycles_o[11*64 +: 64]), .wsc_fits_o(wsc_fits_o[11]),
    .wsr_cycles_o(wsr_cycles_o[11*64 +: 64]), .wsr_fits_o(wsr_fits_o[11]), .dataflow_o(dataflow_o[11*3 +: 3]));
endmodule
