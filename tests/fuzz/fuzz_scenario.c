/* Fuzz target: the scenario loader. Any text must give a scenario or a clear error, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "yamltree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yt_doc doc;
    char err[1024];
    if (yt_load_string((const char *)data, size, "fuzz.yaml", &doc, err, sizeof err) != 0) {
        if (!err[0])
            abort(); /* an error must say what */
        return 0;
    }
    struct prr_scenario sc;
    err[0] = '\0';
    if (prr_scenario_read(doc.root, "fuzz.yaml", &sc, err, sizeof err) == 0)
        prr_scenario_free(&sc);
    else if (!err[0])
        abort();
    yt_doc_free(&doc);
    return 0;
}
