// Umbrella header of the qta harness. See docs/harness.md.
#pragma once

#include "qta/harness/clock.h"
#include "qta/harness/core.h"
#include "qta/harness/dut.h"
#include "qta/harness/log.h"
#include "qta/harness/scheduler.h"
#include "qta/harness/signal.h"
#include "qta/harness/sync.h"
#include "qta/harness/task.h"
#include "qta/harness/test.h"
#include "qta/harness/triggers.h"
