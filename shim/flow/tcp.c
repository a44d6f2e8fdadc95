/* TCP's loss recovery in the flow model: see tcp.h. The rules are Linux's and ns-3's (Linux's timer,
 * RFC 5681's windows, CUBIC's decrease and growth as ns-3's TcpCubic runs them), reduced to what one
 * message at a time can see: the window grows once per round trip by what that round's ACKs allow, and a
 * message's segments are recovered side by side, so it waits for its unluckiest one. */
#include "tcp.h"

#include <math.h>

#define CWND_MAX 1e6 /* segments: far beyond any connection's use, keeps the double finite */

void prf_tcp_init(struct prf_tcp *t)
{
    *t = (struct prf_tcp){.cwnd = PRF_TCP_INIT_CWND, .ssthresh = CWND_MAX, .epoch_ns = -1};
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
    if (t->w_max <= t->cwnd) {
        t->k_s = 0;
        t->origin = t->cwnd;
    } else {
        t->k_s = cbrt((t->w_max - t->cwnd) / PRF_TCP_CUBIC_C);
        t->origin = t->w_max;
    }
}

/* The segments CUBIC acknowledges per segment of growth, at `at` on a connection whose least round trip
 * is rtt_ns: the curve's target is origin + C (t - k)^3. Time on the curve passes between messages too:
 * a connection idle for seconds after a loss finds the curve back at w_max and grows as fast as CUBIC
 * lets it, one segment per two acknowledged (x1.5 a round trip). */
static double cubic_cnt(struct prf_tcp *t, int64_t at, int64_t rtt_ns)
{
    if (t->epoch_ns < 0)
        cubic_epoch(t, at);
    double s = (double)(at + rtt_ns - t->epoch_ns) / 1e9 - t->k_s;
    double target = t->origin + PRF_TCP_CUBIC_C * s * s * s;
    double cnt = target > t->cwnd ? t->cwnd / (target - t->cwnd) : 100 * t->cwnd;
    if (t->w_max == 0 && cnt > PRF_TCP_CUBIC_CLAMP)
        cnt = PRF_TCP_CUBIC_CLAMP;
    return cnt > 2 ? cnt : 2;
}

/* A round's acked segments acknowledged at `at`: slow start below ssthresh (a segment per segment, up to
 * ssthresh), then CUBIC's growth. */
static void grow(struct prf_tcp *t, uint32_t acked, int64_t at, int64_t rtt_ns)
{
    if (t->cwnd < t->ssthresh)
        t->cwnd = fmin(t->cwnd + acked, fmax(t->ssthresh, t->cwnd)); /* slow start stops at ssthresh */
    else
        t->cwnd += acked / cubic_cnt(t, at, rtt_ns);
    if (t->cwnd > CWND_MAX)
        t->cwnd = CWND_MAX;
}

/* A loss seen by three duplicate ACKs and recovered at `at`: CUBIC's decrease, remembering the window it
 * fell from (less, by fast convergence, when it fell from below the last one: another flow is taking
 * bandwidth); its curve starts with the ACKs that end the recovery. */
static void fast_recovery(struct prf_tcp *t, int64_t at)
{
    t->w_max = t->cwnd < t->w_max ? t->cwnd * (1 + PRF_TCP_BETA) / 2 : t->cwnd;
    t->ssthresh = fmax(2.0, PRF_TCP_BETA * t->cwnd);
    t->cwnd = t->ssthresh;
    cubic_epoch(t, at);
}

/* A retransmission timeout: the window falls to one segment, slow start resumes up to beta of it, and
 * CUBIC forgets its curve (ns-3 resets it on entering loss recovery). */
static void timeout(struct prf_tcp *t)
{
    t->ssthresh = fmax(2.0, PRF_TCP_BETA * t->cwnd);
    t->cwnd = 1.0;
    t->w_max = 0;
    t->epoch_ns = -1;
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

int64_t prf_tcp_message(struct prf_tcp *t, int64_t now, uint32_t segments, const uint8_t *fails, bool ack_lost,
                        int64_t rtt_ns, int64_t queued_ns)
{
    /* An earlier message's lost final ACK: its timer fired unless this message's ACK gets back first. */
    if (t->timeout_at && now + rtt_ns >= t->timeout_at)
        timeout(t);
    t->timeout_at = 0;
    int64_t rto = prf_tcp_rto(t);

    /* Rounds: a window's worth goes out, the rest waits for its ACKs. A window of one segment waits for
     * the receiver's delayed ACK too (it waits for a second segment); a larger window does not: the ACKs
     * of all but its last segment come back at once and open room for the next round. */
    int64_t extra = 0;
    uint32_t left = segments ? segments : 1, w = t->cwnd >= 1 ? (uint32_t)t->cwnd : 1;
    while (left > w) {
        left -= w;
        extra += rtt_ns + (w == 1 ? PRF_TCP_DELACK_NS : 0);
        grow(t, w, now + extra, rtt_ns);
        w = (uint32_t)t->cwnd;
    }
    uint32_t last_round = left;

    /* Losses: a segment with DUPTHRESH later ones behind it is fast-retransmitted after a round trip;
     * otherwise (and when a retransmission is lost again) the timer fires, backing off. */
    int64_t worst = 0;
    bool timed_out = false, fast = false;
    for (uint32_t i = 0; i < segments; i++) {
        uint32_t f = fails[i];
        if (f == 0)
            continue;
        int64_t d;
        if (segments - 1 - i >= PRF_TCP_DUPTHRESH) {
            d = rtt_ns + backoff(rto, f - 1);
            fast = true;
            timed_out |= f > 1;
        } else {
            d = backoff(rto, f);
            timed_out = true;
        }
        if (d > worst)
            worst = d;
    }
    if (timed_out) {
        timeout(t);
    } else if (fast) {
        fast_recovery(t, now + extra + worst);
    } else {
        grow(t, last_round, now + extra + rtt_ns, rtt_ns);
        sample(t, queued_ns + rtt_ns + (last_round % 2 ? PRF_TCP_DELACK_NS : 0)); /* Karn: none from a retransmission */
        if (ack_lost)
            t->timeout_at = now + extra + rto;
    }
    return extra + worst;
}
