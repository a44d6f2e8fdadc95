/* TCP's loss recovery in the flow model: see tcp.h. The rules are Linux's and ns-3's (Linux's timer,
 * RFC 5681's windows, SACK's one decrease a window, CUBIC's decrease and growth and HyStart as ns-3's
 * TcpCubic runs them), reduced to flights: segments that leave together have their ACKs back together a
 * round trip later, which is when the window grows by them and room opens for what waits. */
#include "tcp.h"

#include "powrelay/netmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CWND_MAX 1e6 /* segments: far beyond any connection's use, keeps the double finite */

/* The diagnosis's hook (tcp.h): written before any connection sends, read by every thread after. */
static prf_tcp_trace_fn trace_fn;
static void *trace_ctx;

void prf_tcp_set_trace(prf_tcp_trace_fn fn, void *ctx)
{
    trace_fn = fn;
    trace_ctx = ctx;
}

static void traced(const struct prf_tcp *t, int64_t at, enum prf_tcp_change what)
{
    if (trace_fn)
        trace_fn(trace_ctx, t, at, what);
}

void prf_tcp_init(struct prf_tcp *t)
{
    *t = (struct prf_tcp){.cwnd = PRF_TCP_INIT_CWND, .ssthresh = CWND_MAX, .epoch_ns = -1, .hy_start = -1};
}

void prf_tcp_free(struct prf_tcp *t)
{
    free(t->pend_rs);
    t->pend_rs = NULL;
    t->n_pend_rs = t->cap_pend_rs = 0;
}

/* A retransmission booked for a lost last segment's timer, remembered so that it can move. False when out
 * of memory. */
static bool keep_resend(struct prf_tcp *t, struct prf_tcp_resend rs)
{
    if (t->n_pend_rs == t->cap_pend_rs) {
        uint32_t cap = t->cap_pend_rs ? 2 * t->cap_pend_rs : 4;
        struct prf_tcp_resend *p = realloc(t->pend_rs, cap * sizeof *p);
        if (!p)
            return false;
        t->pend_rs = p;
        t->cap_pend_rs = cap;
    }
    t->pend_rs[t->n_pend_rs++] = rs;
    return true;
}

int64_t prf_tcp_rto(const struct prf_tcp *t)
{
    if (t->srtt_ns == 0)
        return PRF_TCP_INIT_RTO_NS;
    /* Linux's timer (__tcp_set_rto): the floor is on the variance term, not on the sum as in RFC 6298, so
     * a burst of queueing delay that lifts srtt does not bring the timer down onto the round trip. */
    int64_t var = 4 * t->rttvar_ns > PRF_TCP_MIN_RTO_NS ? 4 * t->rttvar_ns : PRF_TCP_MIN_RTO_NS;
    return t->srtt_ns + var;
}

/* CUBIC's epoch begins at `at` (ns-3's TcpCubic::Update, on the first ACK of congestion avoidance after
 * a loss): its curve climbs from the window now back to the window at the last loss, w_max, in k_s
 * seconds, then beyond it. */
static void cubic_epoch(struct prf_tcp *t, int64_t at)
{
    t->epoch_ns = at;
    t->reno = t->cwnd;
    if (t->w_max <= t->cwnd) {
        t->k_s = 0;
        t->origin = t->cwnd;
    } else {
        t->k_s = cbrt((t->w_max - t->cwnd) / PRF_TCP_CUBIC_C);
        t->origin = t->w_max;
    }
}

/* The segments CUBIC acknowledges per segment of growth, at `at` on a connection whose least round trip
 * is rtt_ns, `acked` more being acknowledged: the curve's target is origin + C (t - k)^3, from the first
 * ACK that grows the window after a decrease (fast_recovery). Time on the curve passes between messages
 * too: a connection idle for seconds once its curve has begun finds it back at w_max and grows as fast as
 * CUBIC lets it, one segment per two acknowledged (x1.5 a round trip). Never
 * slower than Reno's window from the same start would grow (CUBIC's TCP-friendly region, on by default
 * in Linux; ns-3.37's TcpCubic has none): a segment per 1.875 windows acknowledged, Reno's pace with
 * CUBIC's decrease. */
static double cubic_cnt(struct prf_tcp *t, uint32_t acked, int64_t at, int64_t rtt_ns)
{
    if (t->epoch_ns < 0)
        cubic_epoch(t, at);
    t->reno += acked / (PRF_TCP_RENO_ACKS * t->cwnd);
    /* Whole segments as ns-3's and Linux's: the curve's distance from origin rounds down, so below the
     * origin the target rounds up and the window regrows from its first ACK after a decrease. */
    double s = (double)(at + rtt_ns - t->epoch_ns) / 1e9 - t->k_s;
    double delta = floor(PRF_TCP_CUBIC_C * fabs(s * s * s));
    double target = s < 0 ? t->origin - delta : t->origin + delta;
    double cnt = target > t->cwnd ? floor(t->cwnd / (target - t->cwnd)) : 100 * t->cwnd;
    if (t->w_max == 0 && cnt > PRF_TCP_CUBIC_CLAMP)
        cnt = PRF_TCP_CUBIC_CLAMP;
    if (t->reno > t->cwnd) { /* TCP-friendly: never slower than Reno would grow */
        double reno_cnt = floor(t->cwnd / (t->reno - t->cwnd));
        if (cnt > reno_cnt)
            cnt = reno_cnt;
    }
    return cnt > 2 ? cnt : 2;
}

/* A round's acked segments acknowledged at `at`: slow start below ssthresh (a segment per segment, up to
 * ssthresh), then CUBIC's growth. HyStart may end slow start after the first hystart_exit of them: the
 * threshold falls to the window then, and the rest grow it on CUBIC's curve. The window is whole segments
 * as Linux's and ns-3's: acked segments count up (cwnd_cnt) until CUBIC's count of them adds one. */
static void grow(struct prf_tcp *t, uint32_t acked, int64_t at, int64_t rtt_ns, uint16_t hystart_exit)
{
    if (t->cwnd < t->ssthresh) {
        bool exits = hystart_exit != PRF_TCP_HYSTART_NONE && hystart_exit <= acked;
        uint32_t slow = exits ? hystart_exit : acked;
        t->cwnd = fmin(t->cwnd + slow, fmax(t->ssthresh, t->cwnd)); /* slow start stops at ssthresh */
        if (exits)
            t->ssthresh = t->cwnd;
        acked -= slow;
    }
    if (acked && t->cwnd >= t->ssthresh) { /* Linux's tcp_cong_avoid_ai, a flight's ACKs at once */
        double cnt = cubic_cnt(t, acked, at, rtt_ns);
        if (t->cwnd_cnt >= cnt) { /* counted towards a slower pace than now: one segment, and afresh */
            t->cwnd += 1;
            t->cwnd_cnt = 0;
        }
        t->cwnd_cnt += acked;
        double whole = floor(t->cwnd_cnt / cnt);
        t->cwnd += whole;
        t->cwnd_cnt -= whole * cnt;
    }
    if (t->cwnd > CWND_MAX)
        t->cwnd = CWND_MAX;
    traced(t, at, PRF_TCP_WINDOW);
}

/* The slow-start threshold a loss leaves: CUBIC's 0.7 of the window, at least two segments, whole,
 * rounded down in doubles as ns-3's TcpCubic rounds it (0.7 x 90 gives 62 there and here; Linux's
 * 717/1024 gives 63). */
static double loss_threshold(const struct prf_tcp *t) { return fmax(2.0, floor(PRF_TCP_BETA * t->cwnd)); }

/* A loss seen by three duplicate ACKs: CUBIC's decrease, remembering the window it fell from (less, by
 * fast convergence, when it fell from below the last one: another flow is taking bandwidth). Its curve
 * starts with the first ACK that grows the window after the recovery (cubic_cnt), as ns-3's TcpCubic and
 * Linux's start an epoch on the first ACK of congestion avoidance: no window grows in a recovery, and a
 * connection idle after one finds its curve where it began. */
static void fast_recovery(struct prf_tcp *t, int64_t at)
{
    traced(t, at, PRF_TCP_RECOVERY);
    t->recoveries++;
    t->w_max = t->cwnd < t->w_max ? floor(t->cwnd * (1 + PRF_TCP_BETA) / 2) : t->cwnd;
    t->ssthresh = loss_threshold(t);
    t->cwnd = t->ssthresh;
    t->cwnd_cnt = 0;
    t->epoch_ns = -1;
    traced(t, at, PRF_TCP_WINDOW);
}

/* A retransmission timeout: the window falls to one segment, slow start resumes up to beta of it, and
 * CUBIC forgets its curve (ns-3 resets it on entering loss recovery). */
static void timeout(struct prf_tcp *t, int64_t at)
{
    traced(t, at, PRF_TCP_TIMEOUT);
    t->timeouts++;
    t->ssthresh = loss_threshold(t);
    t->cwnd = 1.0;
    t->cwnd_cnt = 0;
    t->w_max = 0;
    t->epoch_ns = -1;
    t->delay_min_ns = 0; /* ns-3 resets HyStart with the curve (TcpCubic::CubicReset) and its round */
    t->hystart_found = false;
    t->hy_start = -1;
    traced(t, at, PRF_TCP_WINDOW);
}

/* f timeouts in a row, each twice the last (capped): their sum. */
static int64_t backoff(int64_t rto, uint32_t f)
{
    int64_t sum = 0;
    for (uint32_t j = 0; j < f; j++) {
        sum += rto;
        rto = 2 * rto < PRF_TCP_MAX_RTO_NS ? 2 * rto : PRF_TCP_MAX_RTO_NS;
    }
    return sum;
}

static void sample(struct prf_tcp *t, int64_t r)
{
    if (t->srtt_ns == 0) {
        t->srtt_ns = r;
        t->rttvar_ns = r / 2;
        return;
    }
    int64_t dev = t->srtt_ns > r ? t->srtt_ns - r : r - t->srtt_ns;
    t->rttvar_ns += (dev - t->rttvar_ns) / 4;
    t->srtt_ns += (r - t->srtt_ns) / 8;
}

/* Where a flight's m-th segment (from 1, at most its segments) falls among its ACKs, evenly spread from
 * first_at to acked_at: rounded up, never before it. */
static int64_t segment_acked_at(const struct prf_tcp_flight *f, uint32_t m)
{
    int64_t span = f->acked_at - f->first_at, gaps = f->segments - 1;
    return gaps ? f->first_at + (span * (m - 1) + gaps - 1) / gaps : f->acked_at;
}

/* When the ACK of a flight's m-th segment (from 1) comes back, its ACKs evenly spread from first_at to
 * acked_at: the receiver ACKs pairs, so an odd m's comes with the next one's, and the last's with the
 * flight's last ACK. */
static int64_t ack_time(const struct prf_tcp_flight *f, uint32_t m)
{
    m += m % 2;
    if (m >= f->segments || f->first_at >= f->acked_at)
        return f->acked_at;
    return segment_acked_at(f, m);
}

/* How many of a flight's segments are acknowledged by `at` (in pairs, as ack_time has them). */
static uint32_t acked_by(const struct prf_tcp_flight *f, int64_t at)
{
    if (at >= f->acked_at)
        return f->segments;
    if (at < f->first_at)
        return 0;
    int64_t span = f->acked_at - f->first_at, gaps = f->segments - 1;
    uint32_t raw = 1 + (uint32_t)((at - f->first_at) * gaps / span); /* < segments: at is before acked_at */
    return raw & ~1u;
}

/* `segments` lost segments whose retransmission is ACKed at `until` keep their places in the window until
 * then (gen: the timer they wait on, or 0). When every slot is taken, the two holds ending closest together
 * (of one timer, if any two are) become one, ending with the later. */
static void hold(struct prf_tcp *t, int64_t until, uint32_t segments, uint32_t gen)
{
    t->hold[t->n_holds++] = (struct prf_tcp_hold){.until = until, .segments = segments, .gen = gen};
    t->in_flight += segments;
    if (t->n_holds <= PRF_TCP_HOLDS)
        return;
    uint32_t a = 0, b = 1;
    int64_t best = INT64_MAX;
    bool best_same = false;
    for (uint32_t i = 0; i < t->n_holds; i++)
        for (uint32_t j = i + 1; j < t->n_holds; j++) {
            int64_t gap = llabs(t->hold[i].until - t->hold[j].until);
            bool same = t->hold[i].gen == t->hold[j].gen;
            if ((same && !best_same) || (same == best_same && gap < best)) {
                a = i, b = j, best = gap, best_same = same;
            }
        }
    struct prf_tcp_hold *x = &t->hold[a], *y = &t->hold[b];
    x->until = x->until > y->until ? x->until : y->until;
    x->segments += y->segments;
    if (x->gen != y->gen)
        x->gen = 0; /* of two timers, or one and none: no fast retransmission moves it */
    *y = t->hold[--t->n_holds];
}

/* The holds ended by `at` give their places back (no growth: theirs are a recovery's segments). */
static void unhold(struct prf_tcp *t, int64_t at)
{
    for (uint32_t i = 0; i < t->n_holds;) {
        if (t->hold[i].until <= at) {
            t->in_flight -= t->hold[i].segments;
            t->hold[i] = t->hold[--t->n_holds];
        } else {
            i++;
        }
    }
}

/* The ACKs back by `at`: their segments leave the window, and it grows by them. A flight whose ACKs are
 * still coming is acknowledged in part (its first segments), so the window reopens as the uplink spaced
 * the segments, as TCP's ACK clock reopens it, not a flight at once. A pending decrease comes before the
 * ACKs after it. */
static void ack_until(struct prf_tcp *t, int64_t at, int64_t rtt_ns)
{
    unhold(t, at);
    uint32_t done = 0;
    for (;;) {
        bool decrease = t->decrease_at && t->decrease_at <= at;
        struct prf_tcp_flight *f = done < t->n_flights ? &t->flight[done] : NULL;
        uint32_t a = f ? acked_by(f, decrease ? t->decrease_at - 1 : at) : 0;
        if (!a && decrease) {
            fast_recovery(t, t->decrease_at);
            t->decrease_at = 0;
            continue;
        }
        if (!a)
            break;
        if (!f->in_recovery) /* TCP holds the window during a recovery (ns-3's PRR) */
            grow(t, a, ack_time(f, a), rtt_ns, f->hystart_exit);
        t->in_flight -= a;
        if (a == f->segments) {
            done++;
            continue;
        }
        /* the rest of the flight: its ACKs from its next segment's on */
        f->first_at = segment_acked_at(f, a + 1);
        f->segments -= a;
        if (f->hystart_exit != PRF_TCP_HYSTART_NONE)
            f->hystart_exit = f->hystart_exit > a ? (uint16_t)(f->hystart_exit - a) : PRF_TCP_HYSTART_NONE;
    }
    if (done) {
        t->n_flights -= done;
        memmove(t->flight, t->flight + done, t->n_flights * sizeof t->flight[0]);
    }
}

/* A flight's HyStart exit after `segments` ACKed ones: beyond what the field holds, as late as it can say
 * (never NONE, which would let slow start run on past a verdict taken). */
static uint16_t hystart_exit_of(uint64_t segments)
{
    return segments < PRF_TCP_HYSTART_NONE ? (uint16_t)segments : PRF_TCP_HYSTART_NONE - 1;
}

/* Flight i + 1 joins flight i: its ACKs come with the later one's (the window reopens a little late,
 * never early). */
static void merge_flights(struct prf_tcp *t, uint32_t i)
{
    struct prf_tcp_flight *f = &t->flight[i], *g = &t->flight[i + 1];
    if (f->hystart_exit == PRF_TCP_HYSTART_NONE && g->hystart_exit != PRF_TCP_HYSTART_NONE)
        f->hystart_exit = hystart_exit_of(f->segments + (uint64_t)g->hystart_exit);
    if (g->acked_at > f->acked_at)
        f->acked_at = g->acked_at;
    if (g->first_at < f->first_at)
        f->first_at = g->first_at;
    f->segments += g->segments;
    f->in_recovery = g->in_recovery;
    t->n_flights--;
    memmove(g, g + 1, (t->n_flights - i - 1) * sizeof *g);
}

/* k segments released at `at` (the window sent them: a recovery's point counts them so, whenever the
 * device queue lets them go), their ACKs due at acked_at. When every slot is taken, the two neighbouring
 * flights whose ACKs are due closest together become one: a backlog of small messages, a flight each,
 * keeps its ACKs spread over the round trip as the uplink spaced them (ACK clocking), rather than a
 * window's worth reopening at once and leaving as one burst. */
static void fly(struct prf_tcp *t, int64_t at, int64_t first_at, int64_t acked_at, uint32_t k, bool lossy,
                uint16_t hystart_exit)
{
    bool rec = lossy || at < t->recover_ns || acked_at < t->recover_end_ns;
    if (k < 2 || first_at > acked_at)
        first_at = acked_at;
    t->flight[t->n_flights++] = (struct prf_tcp_flight){
        .first_at = first_at, .acked_at = acked_at, .segments = k, .hystart_exit = hystart_exit, .in_recovery = rec};
    t->in_flight += k;
    if (t->n_flights > PRF_TCP_FLIGHTS) {
        /* Of the old window's flights and the rest, each joins its own kind: a flight released before a
         * recovery, joined to one of it, would grow the window inside the recovery by both (and start
         * CUBIC's curve there); only if every neighbour differs (never, in practice: the flights of a
         * recovery are consecutive) do two kinds join, as the later one. */
        uint32_t best = UINT32_MAX, any = 0;
        for (uint32_t i = 0; i + 1 < t->n_flights; i++) {
            int64_t gap = t->flight[i + 1].acked_at - t->flight[i].acked_at;
            if (gap < t->flight[any + 1].acked_at - t->flight[any].acked_at)
                any = i;
            if (t->flight[i].in_recovery == t->flight[i + 1].in_recovery &&
                (best == UINT32_MAX || gap < t->flight[best + 1].acked_at - t->flight[best].acked_at))
                best = i;
        }
        merge_flights(t, best != UINT32_MAX ? best : any);
    }
}

/* A timeout at `at`: what was acknowledged before it counts, then the window falls to one segment and
 * whatever was in flight or about to fall is written off. */
static void collapse(struct prf_tcp *t, int64_t at, int64_t rtt_ns)
{
    ack_until(t, at, rtt_ns);
    timeout(t, at);
    t->decrease_at = 0;
    t->n_flights = 0;
    t->n_holds = 0;
    t->in_flight = 0;
}

/* A loss in segments sent at sent_at, seen by duplicate ACKs at seen_at: the window falls then, unless
 * the loss belongs to a window whose decrease is already under way (sent before its recovery ends). Sent
 * means released by the window, as TCP counts its recovery point: a segment released before the
 * recovery began but held in the device queue past it belongs to the old window (else each such loss
 * would put the pending decrease off, and a window overshooting a full queue would fall late). */
static void start_recovery(struct prf_tcp *t, int64_t sent_at, int64_t seen_at)
{
    if (sent_at >= t->recover_ns) {
        t->decrease_at = seen_at;
        t->recover_ns = seen_at;
    }
}

/* The round, counted from the timer's first retransmission, in which the m-th (from 1) of the segments a
 * timeout retransmits goes: slow start from one segment sends 1, 2, 4, ... a round. */
static uint32_t timeout_round(uint32_t m) { return m ? 31u - (uint32_t)__builtin_clz(m) : 0; }

/* The retransmission timer first fires at `first`: the window falls to one segment, what was in flight
 * is written off (the receiver has what arrived; SACK tells the sender), and the lost segments go again in
 * slow start, a round trip a round (timeout_round), the first once the attempt at `last` gets through
 * (each lost attempt doubles the timer). The last round's ACK comes back a round trip later without the
 * receiver's delay (a segment that fills a hole is acknowledged at once), and nothing else leaves before
 * it. */
static void expire(struct prf_tcp *t, int64_t first, int64_t last, int64_t rtt_ns)
{
    collapse(t, first, rtt_ns);
    int64_t at = last;
    for (uint32_t left = t->timer_lost ? t->timer_lost : 1, round = 1;;) {
        uint32_t k = round < left ? round : left;
        fly(t, at, at + rtt_ns, at + rtt_ns, k, false, PRF_TCP_HYSTART_NONE);
        left -= k;
        if (!left)
            break;
        at += rtt_ns;
        round *= 2;
    }
    t->timer_first = 0;
    t->timer_lost = 0;
    t->n_pend_rs = 0; /* the timer's retransmissions went when booked */
    t->stall_ns = at;
    t->recover_ns = at;
    t->recover_end_ns = 0; /* a timeout's slow start grows the window as its ACKs come (ns-3's, Linux's loss state) */
}

/* A loss the timer will recover: its first firing, and the attempt that gets through. The connection
 * sends on until the timer fires (new data goes out while the window allows). A timer `firm` fires
 * whatever follows (a retransmission was lost); otherwise later segments may cancel it (a lost last
 * segment: duplicate ACKs), `later` of them being behind it already; the later segments that arrive
 * go on counting while it runs, whatever else is lost among them (the first hole's duplicate ACKs come
 * from every segment that arrives after it). Two timers running: the earlier fires, and the later
 * loss's attempts go with it. */
static uint32_t arm(struct prf_tcp *t, int64_t first, int64_t last, bool firm, int64_t at, uint32_t later)
{
    t->timer_lost = t->timer_first ? t->timer_lost + 1 : 1;
    if (!t->timer_first || firm)
        t->n_pend_rs = 0; /* a new timer, or one that fires whatever follows: nothing left to move */
    if (!t->timer_first) {
        t->timer_gen++;
        t->timer_first = first;
        t->timer_last = last;
        t->timer_firm = firm;
        t->pend_at = at;
        t->pend_later = later;
        t->pend_relost = 0;
    } else {
        t->timer_first = first < t->timer_first ? first : t->timer_first;
        t->timer_last = last > t->timer_last ? last : t->timer_last;
        t->timer_firm |= firm;
    }
    return timeout_round(t->timer_lost);
}

bool prf_tcp_fate_open(const struct prf_tcp *t) { return t->timer_first && !t->timer_firm; }

int64_t prf_tcp_deadline(const struct prf_tcp *t, int64_t rtt_ns)
{
    return prf_tcp_fate_open(t) ? t->timer_first - rtt_ns : 0;
}

/* The receiver ACKs the stream's segments in pairs: one that left within the delayed-ACK time of the
 * first of an unacknowledged pair (pair_open, it left at pair_left) is its second. Whether a flight whose
 * first segment leaves at `left` begins with a pair's second (1) or first (0). */
static uint32_t pair_parity(const struct prf_tcp *t, int64_t left)
{
    return t->pair_open && left - t->pair_left < PRF_TCP_DELACK_NS;
}

/* A flight's segments ACKed before the ACK its segment m brings (m being a pair's second). */
static uint32_t acked_before(uint32_t m) { return m ? m - 1 : 0; }

/* HyStart (ns-3's TcpCubic::HystartUpdate), judged when a flight is sent, from the ACKs it will bring.
 * The receiver ACKs every second segment of the stream, whatever flight or message it came in (pairs,
 * below), so a flight's segment m, if it is the second of two, brings an ACK a round trip after it left
 * the sender's uplink, sampling the round trip from the flight's release. A lone last segment's ACK waits
 * for the receiver's delayed-ACK timer or rides on whatever the receiver sends next (a busy
 * connection's usually do), which flow does not follow: HyStart does not hear it here, rather than hear a
 * delay the ACK may not have had. Every sample keeps the least round trip. In slow
 * start, a round begins with the ACK of a segment released once the last round had begun (ns-3: beyond
 * the highest sequence sent when it began), so a round is about a round trip of the connection's ACKs,
 * whatever messages they are of. HyStart hears a round's later ACKs once the window, growing by two an
 * ACK, is 16 segments: slow start ends on one that extends a train of ACKs at most 2 ms apart beyond the
 * least round trip since the round began, or on the 9th heard if the least of the 8
 * before it exceeds the least round trip by clamp(that, 4 ms, 1 s). w: the window when the flight's
 * first ACK is back (the earlier flights' ACKs grow it first); p: 1 when the flight's first segment is
 * the second of a pair an earlier flight opened. Returns whether slow start ends on this
 * ACK: the segments the flight has acknowledged before it grow the window in slow start, the rest on
 * CUBIC's curve (grow). Judged at send time, a verdict's least round trip may already count samples
 * whose ACKs are not back by then (this flight's first pair, earlier flights'); once sampled it hardly
 * moves, so this shows only in the first rounds after a timeout, which forgets it. */
static bool hystart_segment(struct prf_tcp *t, uint32_t m, uint32_t p, int64_t at, int64_t left, int64_t rtt_ns,
                            int64_t extra, double w)
{
    if ((m + p) % 2 == 0)
        return false; /* the receiver ACKs the second of two (a lone last one: see above) */
    int64_t ack_at = left + rtt_ns;
    int64_t sample = ack_at - at + extra;
    if (!t->delay_min_ns || sample < t->delay_min_ns)
        t->delay_min_ns = sample;
    w += acked_before(m);
    if (t->hystart_found || w >= t->ssthresh)
        return false;
    if (t->hy_start < 0 || at >= t->hy_start) { /* a new round (ns-3 resets it after hearing this ACK) */
        t->hy_start = t->hy_last = ack_at;
        t->hy_heard = 0;
        return false;
    }
    if (w < PRF_TCP_HYSTART_LOW)
        return false;
    int64_t least = t->delay_min_ns;
    bool found = false;
    if (ack_at - t->hy_last <= PRF_TCP_HYSTART_ACK_DELTA_NS) {
        t->hy_last = ack_at;
        found = ack_at - t->hy_start > least;
    }
    if (t->hy_heard < PRF_TCP_HYSTART_SAMPLES) {
        if (!t->hy_heard || sample < t->hy_least)
            t->hy_least = sample;
        t->hy_heard++;
    } else {
        int64_t thresh = least < PRF_TCP_HYSTART_DELAY_MIN_NS   ? PRF_TCP_HYSTART_DELAY_MIN_NS
                         : least > PRF_TCP_HYSTART_DELAY_MAX_NS ? PRF_TCP_HYSTART_DELAY_MAX_NS
                                                                : least;
        found |= t->hy_least > least + thresh;
    }
    t->hystart_found = found;
    return found;
}

/* A flight's segment m left the uplink at `left`: its ACK's HyStart verdict, as the flight's exit (the
 * segments it acknowledged before slow start ended there). */
static void hystart_flight(struct prf_tcp *t, uint32_t m, uint32_t p, int64_t at, int64_t left, int64_t rtt_ns,
                           int64_t extra, double w, uint16_t *exit)
{
    if (hystart_segment(t, m, p, at, left, rtt_ns, extra, w))
        *exit = hystart_exit_of(acked_before(m));
}

/* Segment j's bytes on the access link, of a message whose own segments carry `rest` bytes. */
static uint32_t segment_bytes(uint64_t rest, uint32_t j)
{
    uint64_t left = rest - (uint64_t)j * PRNET_MSS;
    return (uint32_t)(left < PRNET_MSS ? left : PRNET_MSS) + PRNET_SEGMENT_OVERHEAD;
}

static int64_t message(struct prf_tcp *t, int64_t now, uint64_t bytes, const uint8_t *fails, bool ack_lost,
                       int64_t rtt_ns, int64_t queued_ns, const struct prf_tcp_link *link, int64_t *fast_floor)
{
    int64_t floor_unused;
    if (!fast_floor)
        fast_floor = &floor_unused;
    *fast_floor = -1;
    /* Through a link, the last message's round-trip sample waits for this one: written at the same
     * instant, this one continues the stream and the receiver ACKs the last one's odd segment at once. */
    if (link && t->next_sample_ns) {
        sample(t, t->next_sample_ns + (t->next_sample_odd && now != t->next_sample_at ? PRF_TCP_DELACK_NS : 0));
        t->next_sample_ns = 0;
    }
    /* TCP sends a byte stream: while the stream's last, part-filled segment waits for room in the
     * window, this message's first bytes fill it (ns-3 and Linux send queued data in full segments), and
     * a message that fits there leaves with it. Only what is left takes segments of its own. Through a
     * link, so does a message written at the instant that segment was released (a burst of messages
     * written together goes in full segments). */
    uint64_t fill = t->tail_at > now || (link && t->tail_at == now) ? (t->tail_room < bytes ? t->tail_room : bytes) : 0;
    /* Written together with the stream's last segment, it is that much longer. If the queue dropped that
     * segment, the bytes lengthen the last one of its flight that got through (tail_leave) and its
     * retransmission carries its own bytes only: the link carries them all, a little early. */
    if (link && fill)
        t->tail_leave = link->extend(link->ctx, t->tail_leave, (uint32_t)fill);
    if (fill == bytes && bytes > 0) {
        t->tail_room -= (uint32_t)fill;
        return t->tail_leave - now;
    }
    uint64_t rest = bytes - fill;
    uint32_t segments = (uint32_t)((rest + PRNET_MSS - 1) / PRNET_MSS);

    /* An earlier message's lost final ACK: its timer fired unless this message's ACK gets back first. */
    if (t->timeout_at && now + rtt_ns >= t->timeout_at)
        collapse(t, t->timeout_at, rtt_ns);
    t->timeout_at = 0;
    int64_t rto = prf_tcp_rto(t);

    /* The message's segments leave as the window has room: at once what the window holds beyond the
     * segments already in flight (this connection's earlier messages' too), the rest as ACKs come back.
     * A window of one segment waits for the receiver's delayed ACK as well (it waits for a second
     * segment). Nothing leaves while a timeout's retransmission is out (stall_ns), nor before the
     * stream's earlier bytes have left (tail_at). */
    int64_t at = now > t->stall_ns ? now : t->stall_ns;
    if (at < t->tail_at)
        at = t->tail_at;
    int64_t done = at, done_firm = at; /* done_firm: without a lost last segment's timer */
    uint32_t n = segments ? segments : 1;
    bool lost_any = false, tentative = false;
    for (uint32_t i = 0; i < n;) {
        /* A running timer fires before these segments could help: a firm one once its time has come; a
         * lost last segment's once segments sent now would bring duplicate ACKs too late. */
        if (t->timer_first && at >= t->timer_first - (t->timer_firm ? 0 : rtt_ns)) {
            expire(t, t->timer_first, t->timer_last, rtt_ns);
            if (at < t->stall_ns)
                at = t->stall_ns;
        }
        ack_until(t, at, rtt_ns);
        uint32_t w = t->cwnd >= 1 ? (uint32_t)t->cwnd : 1;
        if (t->in_flight >= w) { /* the oldest flight's ACKs, or a retransmission's, open room */
            uint32_t need = t->in_flight - w + 1;
            int64_t next = INT64_MAX;
            if (t->n_flights)
                next = need < t->flight[0].segments ? ack_time(&t->flight[0], need) : t->flight[0].acked_at;
            for (uint32_t h = 0; h < t->n_holds; h++)
                if (t->hold[h].until < next)
                    next = t->hold[h].until;
            if (next == INT64_MAX) /* never: in_flight counts the flights and the holds */
                t->in_flight = 0;
            else
                at = next;
            continue;
        }
        uint32_t k = w - t->in_flight < n - i ? w - t->in_flight : n - i;
        /* Released at `at`, the flight has left the sender at `leave`: at once without a link, else when
         * the uplink has carried its last segment the queue took. */
        int64_t leave = at, first_left = -1; /* first_left: its first segment the queue took */
        /* HyStart hears the flight's ACKs while it may still end slow start; otherwise only its first
         * pair's, its least round trip (the later ones leave the uplink later) */
        uint16_t exit = PRF_TCP_HYSTART_NONE;
        double w_back = t->cwnd + t->in_flight;
        bool listening = !t->hystart_found && w_back < t->ssthresh;
        uint32_t p = link ? 0 : pair_parity(t, at);
        /* ... and its losses are heard once the segments behind them have crossed the uplink: a segment the
         * full queue dropped has none behind it before the queue drains (the segments that follow it
         * enter at the queue's tail) */
        int64_t heard = at;
        for (uint32_t j = i; link && j < i + k && j < segments; j++) {
            int64_t d = link->enqueue(link->ctx, at, segment_bytes(rest, j));
            link->dropped[j] = d < 0;
            if (d > leave)
                leave = d;
            if (d >= 0 && first_left < 0)
                first_left = d;
            if (d < 0 && heard == at && link->free_at)
                heard = link->free_at(link->ctx, at);
            if (j == i)
                p = pair_parity(t, d < 0 ? at : d);
            if (d >= 0 && (j - i + p == 1 || (listening && exit == PRF_TCP_HYSTART_NONE)))
                hystart_flight(t, j - i, p, at, d, rtt_ns, 0, w_back, &exit);
        }
        /* without a link the flight leaves at once, its ACKs together: the message's wait for the uplink
         * is in every sample */
        for (uint32_t m = 1 - p; !link && m < k && (m == 1 - p || (listening && exit == PRF_TCP_HYSTART_NONE)); m += 2)
            hystart_flight(t, m, p, at, at, rtt_ns, queued_ns, w_back, &exit);
        uint32_t sent = i + k < segments ? k : segments > i ? segments - i : 0; /* a message's own segments */
        if (sent) {
            t->pair_open = (p + sent) % 2;
            t->pair_left = leave;
        }
        if (leave > done)
            done = leave;
        if (leave > done_firm)
            done_firm = leave;
        if (heard < leave)
            heard = leave;

        /* Losses among these k: a segment with DUPTHRESH later ones behind it is fast-retransmitted after
         * a round trip (and if that is lost too, the timer takes over from there); any other arms the
         * timer, which restarts with each ACK that acknowledges new data (ns-3's and Linux's), so it runs
         * from the last one before the hole: the ACK of the segments ahead of it in its flight (delayed
         * when they are odd in number), or of the flights before it. One decrease for all the losses of a
         * window (those sent before the first one's recovery), when the duplicate ACKs come back. */
        bool lossy = false;
        bool was_open = prf_tcp_fate_open(t); /* a lost last segment's fate, open before these segments */
        uint32_t arrived = k, held = 0;
        for (uint32_t j = i; j < i + k && j < segments; j++) {
            uint32_t f = fails[j] + (link && link->dropped[j]);
            if (f == 0)
                continue;
            arrived--;
            lossy = lost_any = true;
            int64_t back;
            /* its delay is final, unless it is a lost last segment's, which later segments may cut */
            bool firm = n - 1 - j >= PRF_TCP_DUPTHRESH;
            if (firm) {
                back = heard + rtt_ns + backoff(rto, f - 1);
                start_recovery(t, at, heard + rtt_ns);
                if (f > 1)
                    back += arm(t, heard + rtt_ns + rto, back, true, at, 0) * rtt_ns;
                if (back > done_firm)
                    done_firm = back;
            } else {
                int64_t armed = leave;
                if (j > i)
                    armed = leave + rtt_ns + ((j - i) % 2 ? PRF_TCP_DELACK_NS : 0);
                else if (t->n_flights)
                    armed = t->flight[t->n_flights - 1].acked_at;
                back = armed + backoff(rto, f);
                /* its message arrives then unless later segments bring a fast retransmission first: the
                 * caller learns which (resolved_gen), and may hold the message until it knows; if that
                 * retransmission is lost too (f > 1), the timer runs from it (below) */
                back += arm(t, armed + rto, back, false, at, n - 1 - j) * rtt_ns;
                if (f - 1 > t->pend_relost)
                    t->pend_relost = f - 1;
                tentative = true;
            }
            if (link && link->dropped[j]) {
                /* its retransmission takes the uplink then, and has left once the link carried it (after
                 * what is booked there); a lost last segment's is moved if later segments bring a fast
                 * retransmission instead */
                int64_t gone = link->resend(link->ctx, back, segment_bytes(rest, j));
                if (!firm && link->unbook && prf_tcp_fate_open(t) &&
                    !keep_resend(t, (struct prf_tcp_resend){back, gone, segment_bytes(rest, j)}) && link->oom)
                    *link->oom = true;
                if (gone > back) {
                    back = gone;
                    if (firm && back > done_firm)
                        done_firm = back;
                }
            }
            if (firm && f == 1 && back + rtt_ns > t->recover_end_ns)
                t->recover_end_ns = back + rtt_ns; /* its retransmission's ACK ends the recovery, if last */
            if (back > done)
                done = back;
            /* its place in the window: its retransmission's until that is ACKed (dropped by a full
             * queue or lost on the path alike) */
            hold(t, back + rtt_ns, 1, firm ? 0 : t->timer_gen);
            held++;
        }
        if (was_open && prf_tcp_fate_open(t)) {
            /* later segments that arrive: their duplicate ACKs bring the first lost last segment a fast
             * retransmit, whatever else is lost after it */
            t->pend_later += arrived;
            if (t->pend_later >= PRF_TCP_DUPTHRESH) {
                start_recovery(t, t->pend_at, heard + rtt_ns);
                /* the duplicate ACKs are back: the fast retransmission leaves, and gets through, or else
                 * the timer, restarted by it, takes over from there (each further loss doubling it) */
                int64_t fast = heard + rtt_ns, through = fast + backoff(rto, t->pend_relost);
                if (t->pend_relost) {
                    t->timer_first = fast + rto;
                    t->timer_last = through;
                    t->timer_firm = true;
                    t->timer_lost = 1;
                } else {
                    t->timer_first = 0;
                    t->timer_lost = 0;
                }
                t->resolved_gen = t->timer_gen;
                t->resolved_at = through;
                for (uint32_t r = 0; link && r < t->n_pend_rs; r++) { /* then, not at the timer: it moves */
                    const struct prf_tcp_resend *rs = &t->pend_rs[r];
                    int64_t gone = rs->left; /* unless it has started already */
                    if (link->unbook(link->ctx, rs->at, rs->left, rs->bytes))
                        gone = link->resend(link->ctx, through, rs->bytes);
                    if (gone > t->resolved_at)
                        t->resolved_at = gone;
                }
                t->n_pend_rs = 0;
                if (t->resolved_at + rtt_ns > t->recover_end_ns)
                    t->recover_end_ns = t->resolved_at + rtt_ns;
                for (uint32_t h = 0; h < t->n_holds; h++) /* their places come back with that ACK */
                    if (t->hold[h].gen == t->resolved_gen && t->hold[h].until > t->resolved_at + rtt_ns)
                        t->hold[h].until = t->resolved_at + rtt_ns;
            }
        }
        /* the segments that got through leave the window as their ACKs come back (a round trip after
         * they left the uplink); a lost one's place is held until its retransmission is ACKed (above:
         * not when its duplicate ACKs show it lost, when its retransmission takes the place; else a
         * window overshooting a full queue sends one more segment for each it lost, into the same queue) */
        int64_t acked_at = leave + rtt_ns + (w == 1 ? PRF_TCP_DELACK_NS : 0);
        if (k > held)
            fly(t, at, first_left < 0 ? acked_at : first_left + rtt_ns, acked_at, k - held, lossy, exit);
        if (link)
            queued_ns = leave - at; /* what TCP's next sample counts of the uplink: the last flight's wait */
        t->tail_leave = leave;
        i += k;
    }
    t->tail_at = at;
    t->tail_room = rest % PRNET_MSS ? PRNET_MSS - (uint32_t)(rest % PRNET_MSS) : 0;
    if (!lost_any) {
        if (link) { /* Karn: none from a retransmission */
            t->next_sample_ns = queued_ns + rtt_ns;
            t->next_sample_at = now;
            t->next_sample_odd = t->pair_open;
        } else {
            sample(t, queued_ns + rtt_ns + (t->pair_open ? PRF_TCP_DELACK_NS : 0));
        }
        if (ack_lost)
            t->timeout_at = done + rto;
    }
    if (tentative && prf_tcp_fate_open(t))
        *fast_floor = done_firm - now;
    return done - now;
}

int64_t prf_tcp_ready_at(const struct prf_tcp *t, int64_t now)
{
    int64_t at = now > t->stall_ns ? now : t->stall_ns;
    if (at < t->tail_at)
        at = t->tail_at;
    uint32_t w = t->cwnd >= 1 ? (uint32_t)t->cwnd : 1, in = t->in_flight;
    /* the oldest flights' ACKs and the held places open room, whichever come first: flight i's first
     * `used` segments, and the holds marked taken, counted already */
    uint32_t i = 0, used = 0;
    bool taken[PRF_TCP_HOLDS + 1] = {false};
    while (in >= w) {
        int64_t next = INT64_MAX;
        uint32_t frees = 0, rest = 0;
        int pick = -1;
        if (i < t->n_flights) {
            const struct prf_tcp_flight *f = &t->flight[i];
            uint32_t need = in - w + 1;
            rest = f->segments - used;
            frees = need < rest ? need : rest;
            next = need < rest ? ack_time(f, used + need) : f->acked_at;
        }
        for (uint32_t h = 0; h < t->n_holds; h++)
            if (!taken[h] && t->hold[h].until < next) {
                next = t->hold[h].until;
                pick = (int)h;
            }
        if (next == INT64_MAX)
            break;
        if (pick >= 0) {
            taken[pick] = true;
            in -= t->hold[pick].segments;
        } else {
            in -= frees;
            used += frees;
            if (used == t->flight[i].segments)
                i++, used = 0;
        }
        if (next > at)
            at = next;
    }
    return at;
}

int64_t prf_tcp_message(struct prf_tcp *t, int64_t now, uint64_t bytes, const uint8_t *fails, bool ack_lost,
                        int64_t rtt_ns, int64_t queued_ns, int64_t *fast_floor)
{
    return message(t, now, bytes, fails, ack_lost, rtt_ns, queued_ns, NULL, fast_floor);
}

int64_t prf_tcp_send(struct prf_tcp *t, int64_t now, uint64_t bytes, const uint8_t *fails, bool ack_lost,
                     int64_t rtt_ns, const struct prf_tcp_link *link, int64_t *fast_floor)
{
    return message(t, now, bytes, fails, ack_lost, rtt_ns, 0, link, fast_floor);
}
