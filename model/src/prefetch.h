/* The model's one way to prefetch. GCC counts __builtin_prefetch as no effect at all, so it deletes calls
 * to a function whose only effect is prefetching (it did so inside node.c, and again under link-time
 * optimisation from the flow loop to the node's hints). The empty volatile asm is an effect that costs no
 * instruction: every function that prefetches through pr_prefetch keeps its calls, inlined or not.
 * Always inlined (so are the helpers built on it, like pr_txtable_prefetch), even at -O0: the prefetch
 * sits in the hint that asks for it, where tests/build/check_prefetch.py looks for it. */
#ifndef POWRELAY_PREFETCH_H
#define POWRELAY_PREFETCH_H

static inline __attribute__((always_inline)) void pr_prefetch(const void *p)
{
    __asm__ volatile("");
    __builtin_prefetch(p);
}

#endif
