/* powrelay ns-3 model: the project's C headers, as C++ sees them.
 *
 * node.h declares a function pr_node_stats() next to struct pr_node_stats, which is fine C; in C++ the
 * function hides the struct's implicit constructor and -Wshadow says so. The headers are C and stay C,
 * so that one warning is silenced here, for them only. */
#ifndef POWRELAY_NS3_C_H
#define POWRELAY_NS3_C_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#include "powrelay/error.h"
#include "powrelay/host.h"
#include "powrelay/netmodel.h"
#include "powrelay/node.h"
#include "powrelay/rng.h"
#include "powrelay/wire.h"
#pragma GCC diagnostic pop

#endif
