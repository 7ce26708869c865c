/* Compiled with -std=c99 -Wall -Wextra -Werror -pedantic by the test hostif.c99_header_compiles:
 * host software that packs a descriptor, lists its register writes and unpacks a completion,
 * using only the generated sw/qta_host.h. */
#include <stdint.h>

#include "qta_host.h"

uint32_t qta_c99_use(uint32_t completion_words[QTA_CPL_WORDS]);

uint32_t qta_c99_use(uint32_t completion_words[QTA_CPL_WORDS]) {
  qta_desc_t d;
  uint32_t w[QTA_DESC_WORDS];
  uint32_t sum = 0;
  int i;
  qta_cpl_t c;
  qta_desc_init(&d);
  d.m = 64;
  d.n = 1280;
  d.k = 77;
  d.dataflow = 2;
  qta_desc_pack(&d, w);
  for (i = 0; i < QTA_DESC_WORDS; ++i) sum += qta_desc_offset(i) ^ w[i];
  qta_desc_unpack(w, &d);
  qta_cpl_unpack(completion_words, &c);
  for (i = 0; i < QTA_CPL_WORDS; ++i) sum += qta_cpl_offset(i);
  return sum + c.id + c.error + QTA_REG_DOORBELL + QTA_REG_STATUS_CPL_VALID_MASK + (uint32_t)QTA_CFG_ROWS;
}
