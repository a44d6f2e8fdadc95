/* powrelay ns-3 model: the application of one simulated node (see powrelay-app.h). */
#include "powrelay-app.h"

#include "addr.h"
#include "echo-socket.h"
#include "powrelay-c.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <ns3/inet-socket-address.h>
#include <ns3/log.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/tcp-socket-state.h>
#include <ns3/uinteger.h>


NS_LOG_COMPONENT_DEFINE("PowrelayApp");

namespace powrelay
{

using namespace ns3;

namespace
{

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kFrameBytes = PRNET_FRAME_BYTES;
/* A frame longer than the largest message the model encodes is a framing bug, not a message. */
constexpr uint32_t kMaxMessage = PR_WIRE_MAX_MSG_BYTES;
/* Re-dial a connection refused because the peer was not listening yet, at most this often. */
constexpr int kMaxDials = 8;

/* Scratch for what goes to, and comes from, a socket. One each for the whole process: the simulation is
 * single-threaded and neither path can be re-entered from inside itself (TCP's Send() only schedules). */
std::vector<uint8_t> g_txScratch;
std::vector<uint8_t> g_rxScratch;

void
PutLe32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v >> 16);
    p[3] = static_cast<uint8_t>(v >> 24);
}

uint32_t
GetLe32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}

} // namespace

NS_OBJECT_ENSURE_REGISTERED(PowrelayApp);

TypeId
PowrelayApp::GetTypeId()
{
    static TypeId tid =
        TypeId("powrelay::PowrelayApp")
            .SetParent<Application>()
            .SetGroupName("Powrelay")
            .AddConstructor<PowrelayApp>()
            .AddAttribute("Port",
                          "TCP port the node listens on for its inbound peers",
                          UintegerValue(18080),
                          MakeUintegerAccessor(&PowrelayApp::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("DialDelay",
                          "How long after the application starts it dials its outbound peers",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&PowrelayApp::m_dialDelay),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ChunkBytes",
                          "Largest piece of queued bytes handed to a socket in one Send()",
                          UintegerValue(65536),
                          MakeUintegerAccessor(&PowrelayApp::m_chunk),
                          MakeUintegerChecker<uint32_t>(1024));
    return tid;
}

PowrelayApp::PowrelayApp()
    : m_port(18080),
      m_chunk(65536),
      m_shared(nullptr),
      m_id(0),
      m_host(),
      m_pr(nullptr),
      m_freeTimer(kNone),
      m_bytesIn(0),
      m_bytesOut(0)
{
}

PowrelayApp::~PowrelayApp()
{
    DestroyPrNode();
}

int
PowrelayApp::Setup(Shared* shared, uint32_t id, double hashrate, bool attacker)
{
    m_shared = shared;
    m_id = id;
    m_host = {};
    m_host.version = PR_HOST_VERSION;
    m_host.ctx = this;
    m_host.now_ns = &PowrelayApp::HostNow;
    m_host.send = &PowrelayApp::HostSend;
    m_host.set_timer = &PowrelayApp::HostSetTimer;
    m_host.cancel_timer = &PowrelayApp::HostCancelTimer;
    m_host.event = &PowrelayApp::HostEvent;
    struct pr_node_params p = {};
    p.id = id;
    p.config = shared->cfg;
    p.host = &m_host;
    p.hashrate = hashrate;
    p.attacker = attacker;
    return pr_node_create(&p, &m_pr);
}

int
PowrelayApp::AddPeer(uint32_t peer, bool outbound)
{
    int e = pr_node_add_peer(m_pr, peer, outbound);
    if (e != PR_OK)
        return e;
    Conn c;
    c.peer = peer;
    c.outbound = outbound;
    m_conns.push_back(std::move(c));
    return PR_OK;
}

void
PowrelayApp::FinishPeers()
{
    std::sort(m_conns.begin(), m_conns.end(), [](const Conn& a, const Conn& b) { return a.peer < b.peer; });
    m_conns.shrink_to_fit();
}

struct pr_node*
PowrelayApp::GetPrNode() const
{
    return m_pr;
}

uint32_t
PowrelayApp::GetId() const
{
    return m_id;
}

uint64_t
PowrelayApp::GetBytesIn() const
{
    return m_bytesIn;
}

uint64_t
PowrelayApp::GetBytesOut() const
{
    return m_bytesOut;
}

void
PowrelayApp::DestroyPrNode()
{
    if (m_pr)
        pr_node_destroy(m_pr);
    m_pr = nullptr;
}

void
PowrelayApp::DoDispose()
{
    /* The simulator is going away: drop the sockets without closing them (closing would schedule), and
     * make sure none of them calls back into this application while it is taken down. */
    for (Conn& c : m_conns)
    {
        if (c.sock)
        {
            c.sock->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
            c.sock->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
            c.sock->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
            c.sock->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
        }
        c.sock = nullptr;
        c.connected = false;
    }
    if (m_listen)
        m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeNullCallback<void, Ptr<Socket>, const Address&>());
    m_listen = nullptr;
    m_timers.clear();
    Application::DoDispose();
}

/* ---- connections ---- */

void
PowrelayApp::StartApplication()
{
    m_listen = CreateTcpSocket(GetNode());
    if (m_listen->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0 || m_listen->Listen() != 0)
    {
        Fail("cannot listen");
        return;
    }
    m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&PowrelayApp::HandleAccept, this));
    for (uint32_t ci = 0; ci < m_conns.size(); ci++)
    {
        if (!m_conns[ci].outbound)
            continue;
        if (m_dialDelay.IsZero())
            Dial(ci);
        else
            Simulator::Schedule(m_dialDelay, &PowrelayApp::Dial, this, ci);
    }
}

void
PowrelayApp::StopApplication()
{
    /* Runs end by stopping the simulator, not the applications: nothing to do. */
}

int32_t
PowrelayApp::FindConn(uint32_t peer) const
{
    size_t lo = 0, hi = m_conns.size();
    while (lo < hi)
    {
        size_t mid = (lo + hi) / 2;
        if (m_conns[mid].peer < peer)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m_conns.size() && m_conns[lo].peer == peer ? static_cast<int32_t>(lo) : -1;
}

/* The queues' tally counts each node's TCP senders' entries into fast recovery and into loss (a
 * retransmission timeout; a timer that fires again in loss is the same one): tally[0] and tally[1]. */
static void
CountCongState(uint64_t* tally, TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t to)
{
    if (to == TcpSocketState::CA_RECOVERY)
        tally[0]++;
    else if (to == TcpSocketState::CA_LOSS)
        tally[1]++;
}

/* POWRELAY_NS3_CWND's rows, in flow's POWRELAY_FLOW_CWND columns: t_s,node,peer,event,cwnd,ssthresh
 * (segments). "window" at each change of the window; "recovery" and "timeout" as the sender enters fast
 * recovery or loss (a timeout), with the window as the decrease finds it. */
static void
CwndRow(const Shared::CwndWatch* w, const char* event)
{
    std::fprintf(w->f, "%.9f,%u,%u,%s,%.3f,%.3f\n", Simulator::Now().GetSeconds(), w->node, w->peer, event, w->cwnd,
                 w->ssthresh);
}

static void
CwndChanged(Shared::CwndWatch* w, uint32_t, uint32_t bytes)
{
    w->cwnd = static_cast<double>(bytes) / PRNET_MSS;
    CwndRow(w, "window");
}

static void
SsthreshChanged(Shared::CwndWatch* w, uint32_t, uint32_t bytes)
{
    w->ssthresh = static_cast<double>(bytes) / PRNET_MSS;
}

static void
CongStateChanged(Shared::CwndWatch* w, TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t to)
{
    if (to == TcpSocketState::CA_RECOVERY)
        CwndRow(w, "recovery");
    else if (to == TcpSocketState::CA_LOSS)
        CwndRow(w, "timeout");
}

void
PowrelayApp::Attach(uint32_t ci, Ptr<Socket> sock)
{
    Conn& c = m_conns[ci];
    c.sock = sock;
    if (m_shared->tcpTally)
        sock->TraceConnectWithoutContext("CongState", MakeBoundCallback(&CountCongState, m_shared->tcpTally + 2 * m_id));
    if (m_shared->cwndFile && m_id == m_shared->cwndNode)
    {
        /* ns-3's initial window and threshold (the traces say only what changes): 10 segments, none */
        m_shared->cwndWatches.push_back(Shared::CwndWatch{m_shared->cwndFile, m_id, c.peer, 10.0, 1e6});
        Shared::CwndWatch* w = &m_shared->cwndWatches.back();
        sock->TraceConnectWithoutContext("CongestionWindow", MakeBoundCallback(&CwndChanged, w));
        sock->TraceConnectWithoutContext("SlowStartThreshold", MakeBoundCallback(&SsthreshChanged, w));
        sock->TraceConnectWithoutContext("CongState", MakeBoundCallback(&CongStateChanged, w));
    }
    sock->SetRecvCallback(MakeCallback(&PowrelayApp::HandleRecv, this, ci));
    sock->SetSendCallback(MakeCallback(&PowrelayApp::HandleSendRoom, this, ci));
    sock->SetCloseCallbacks(MakeCallback(&PowrelayApp::HandleClosed, this, ci),
                            MakeCallback(&PowrelayApp::HandleClosed, this, ci));
}

void
PowrelayApp::Dial(uint32_t ci)
{
    Conn& c = m_conns[ci];
    Ptr<Socket> s = CreateTcpSocket(GetNode());
    c.sock = s;
    c.dials++;
    s->SetConnectCallback(MakeCallback(&PowrelayApp::HandleConnected, this, ci),
                          MakeCallback(&PowrelayApp::HandleConnectFailed, this, ci));
    if (s->Bind() != 0 || s->Connect(InetSocketAddress(NodeAddress(c.peer), m_port)) != 0)
        Fail("cannot dial");
}

/* A dial failed: the peer was not listening yet, or the handshake's retries ran out. Dial again a
 * little later, a few times. */
void
PowrelayApp::HandleConnectFailed(uint32_t ci, Ptr<Socket> failed)
{
    Conn& c = m_conns[ci];
    NS_LOG_WARN("node " << m_id << ": dialling " << c.peer << " failed");
    failed->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
    c.sock = nullptr;
    if (c.dials >= kMaxDials)
    {
        Fail("a peer connection could not be established");
        return;
    }
    Simulator::Schedule(Seconds(1), &PowrelayApp::Dial, this, ci);
}

void
PowrelayApp::HandleConnected(uint32_t ci, Ptr<Socket> sock)
{
    Conn& c = m_conns[ci];
    Attach(ci, sock);
    c.connected = true;
    Flush(ci);
}

void
PowrelayApp::HandleAccept(Ptr<Socket> sock, const Address& from)
{
    uint32_t peer;
    int32_t ci = -1;
    if (NodeIndex(InetSocketAddress::ConvertFrom(from).GetIpv4(), m_shared->nNodes, &peer))
        ci = FindConn(peer);
    if (ci < 0 || m_conns[ci].outbound || m_conns[ci].sock)
    {
        /* Not a peer that dials us (the graph has one connection per pair): refuse. */
        NS_LOG_WARN("node " << m_id << ": unexpected connection from " << from);
        sock->Close();
        return;
    }
    Conn& c = m_conns[ci];
    Attach(static_cast<uint32_t>(ci), sock);
    c.connected = true;
    Flush(static_cast<uint32_t>(ci));
}

void
PowrelayApp::HandleClosed(uint32_t ci, Ptr<Socket>)
{
    /* TCP gave up on the connection (retries exhausted): the overlay the run describes no longer
     * exists, so its results would mean nothing. */
    NS_LOG_WARN("node " << m_id << ": connection to " << m_conns[ci].peer << " closed");
    m_conns[ci].connected = false;
    Fail("a peer connection was lost (TCP retries exhausted)");
}

void
PowrelayApp::Fail(const char* why)
{
    if (!m_shared->failed)
        std::fprintf(stderr, "powrelay ns3: node %u: %s\n", m_id, why);
    m_shared->failed = true;
    Simulator::Stop();
}

/* ---- sending ---- */

void
PowrelayApp::TxQueue::Push(const uint8_t* msg, uint32_t len, uint32_t pad)
{
    uint8_t hdr[kFrameBytes];
    PutLe32(hdr, len);
    PutLe32(hdr + 4, pad);
    /* Drop what was handed over already, once it is the larger part: amortised O(1) per byte. */
    if (head > 4096 && head * 2 > bytes.size())
    {
        bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }
    if (seg > 256 && seg * 2 > segs.size())
    {
        segs.erase(segs.begin(), segs.begin() + static_cast<std::ptrdiff_t>(seg));
        seg = 0;
    }
    bytes.insert(bytes.end(), hdr, hdr + kFrameBytes);
    bytes.insert(bytes.end(), msg, msg + len);
    segs.push_back(Seg{kFrameBytes + len, pad});
    pending += static_cast<uint64_t>(kFrameBytes) + len + pad;
}

size_t
PowrelayApp::TxQueue::Peek(uint8_t* out, size_t n) const
{
    size_t done = 0, h = head, s = seg;
    uint64_t o = off;
    while (done < n && s < segs.size())
    {
        const Seg& g = segs[s];
        size_t k;
        if (o < g.real)
        {
            k = std::min<uint64_t>(n - done, g.real - o);
            std::memcpy(out + done, bytes.data() + h, k);
            h += k;
        }
        else
        {
            k = std::min<uint64_t>(n - done, g.real + static_cast<uint64_t>(g.pad) - o);
            std::memset(out + done, 0, k);
        }
        o += k;
        done += k;
        if (o == g.real + static_cast<uint64_t>(g.pad))
        {
            s++;
            o = 0;
        }
    }
    return done;
}

void
PowrelayApp::TxQueue::Consume(size_t n)
{
    pending -= n;
    while (n > 0)
    {
        const Seg& g = segs[seg];
        uint64_t total = g.real + static_cast<uint64_t>(g.pad);
        uint64_t k = std::min<uint64_t>(n, total - off);
        if (off < g.real)
            head += std::min<uint64_t>(k, g.real - off);
        off += k;
        n -= k;
        if (off == total)
        {
            seg++;
            off = 0;
        }
    }
    if (seg == segs.size())
    {
        /* Drained: start over, keeping the buffers unless one grew large in a burst. */
        bytes.clear();
        segs.clear();
        head = seg = 0;
        if (bytes.capacity() > (1u << 20))
            std::vector<uint8_t>().swap(bytes);
    }
}

void
PowrelayApp::Send(uint32_t to, const uint8_t* msg, size_t len, uint32_t pad)
{
    int32_t ci = FindConn(to);
    if (ci < 0 || len > kMaxMessage)
        return; /* the model sends only to its peers, and only what it can encode */
    Conn& c = m_conns[ci];
    c.tx.Push(msg, static_cast<uint32_t>(len), pad);
    if (c.connected)
        Flush(static_cast<uint32_t>(ci));
}

/* Move queued bytes into the socket while its send buffer has room; the rest waits for the socket's
 * send callback. Each Send() carries as much as fits (up to ChunkBytes), so TCP cuts full segments
 * rather than one per message. */
void
PowrelayApp::Flush(uint32_t ci)
{
    Conn& c = m_conns[ci];
    if (!c.connected || c.flushing)
        return;
    c.flushing = true;
    while (c.tx.pending > 0)
    {
        uint32_t room = c.sock->GetTxAvailable();
        if (room == 0)
            break;
        size_t n = std::min<uint64_t>({room, m_chunk, c.tx.pending});
        if (g_txScratch.size() < n)
            g_txScratch.resize(std::max<size_t>(n, 65536));
        size_t got = c.tx.Peek(g_txScratch.data(), n);
        Ptr<Packet> p = Create<Packet>(g_txScratch.data(), static_cast<uint32_t>(got));
        int sent = c.sock->Send(p);
        if (sent <= 0)
            break; /* no room after all: wait for the send callback */
        c.tx.Consume(static_cast<size_t>(sent));
        m_bytesOut += static_cast<uint64_t>(sent);
    }
    c.flushing = false;
}

void
PowrelayApp::HandleSendRoom(uint32_t ci, Ptr<Socket>, uint32_t)
{
    Flush(ci);
}

/* ---- receiving ---- */

void
PowrelayApp::HandleRecv(uint32_t ci, Ptr<Socket> sock)
{
    Ptr<Packet> p;
    while ((p = sock->Recv()) && p->GetSize() > 0)
    {
        uint32_t n = p->GetSize();
        if (g_rxScratch.size() < n)
            g_rxScratch.resize(std::max<size_t>(n, 65536));
        p->CopyData(g_rxScratch.data(), n);
        m_bytesIn += n;
        Parse(ci, g_rxScratch.data(), n);
        if (m_shared->failed)
            return;
    }
}

void
PowrelayApp::Parse(uint32_t ci, const uint8_t* data, size_t n)
{
    Conn& c = m_conns[ci];
    RxState& r = c.rx;
    while (n > 0)
    {
        if (!r.inBody)
        {
            size_t k = std::min<size_t>(n, kFrameBytes - r.hdrHave);
            std::memcpy(r.hdr + r.hdrHave, data, k);
            r.hdrHave += static_cast<uint32_t>(k);
            data += k;
            n -= k;
            if (r.hdrHave < kFrameBytes)
                return;
            r.len = GetLe32(r.hdr);
            r.pad = GetLe32(r.hdr + 4);
            if (r.len > kMaxMessage)
            {
                Fail("framing error on a connection");
                return;
            }
            if (r.body.size() < r.len)
                r.body.resize(r.len);
            r.hdrHave = 0;
            r.bodyHave = 0;
            r.padLeft = r.pad;
            r.inBody = true;
        }
        if (r.bodyHave < r.len)
        {
            size_t k = std::min<size_t>(n, r.len - r.bodyHave);
            std::memcpy(r.body.data() + r.bodyHave, data, k);
            r.bodyHave += static_cast<uint32_t>(k);
            data += k;
            n -= k;
        }
        if (r.bodyHave == r.len && r.padLeft > 0)
        {
            size_t k = std::min<size_t>(n, r.padLeft);
            r.padLeft -= static_cast<uint32_t>(k);
            data += k;
            n -= k;
        }
        if (r.bodyHave < r.len || r.padLeft > 0)
            return; /* the rest comes in a later piece */
        /* A whole frame: deliver it. The model may send from inside (answers), which only queues. */
        r.inBody = false;
        m_shared->messages++;
        m_shared->bytes += static_cast<uint64_t>(kFrameBytes) + r.len + r.pad;
        pr_node_receive(m_pr, c.peer, r.body.data(), r.len, r.pad);
        if (r.body.capacity() > (1u << 20))
            std::vector<uint8_t>().swap(r.body); /* a full block went by: do not keep its buffer */
    }
}

/* ---- timers ---- */

uint64_t
PowrelayApp::SetTimer(int64_t delayNs, uint32_t kind, uint64_t arg)
{
    uint32_t i;
    if (m_freeTimer != kNone)
    {
        i = m_freeTimer;
        m_freeTimer = m_timers[i].nextFree;
    }
    else
    {
        i = static_cast<uint32_t>(m_timers.size());
        m_timers.push_back(Timer{EventId(), 0, 0, 0, kNone});
    }
    Timer& t = m_timers[i];
    t.kind = kind;
    t.arg = arg;
    t.gen++;
    t.nextFree = kNone;
    t.ev = Simulator::Schedule(NanoSeconds(delayNs > 0 ? delayNs : 0), &PowrelayApp::FireTimer, this, i);
    return static_cast<uint64_t>(t.gen) << 32 | (i + 1);
}

void
PowrelayApp::CancelTimer(uint64_t handle)
{
    uint32_t i = static_cast<uint32_t>(handle & 0xffffffffu);
    if (i == 0 || i > m_timers.size())
        return;
    Timer& t = m_timers[i - 1];
    if (t.gen != static_cast<uint32_t>(handle >> 32) || t.nextFree != kNone)
        return; /* fired or cancelled already */
    Simulator::Cancel(t.ev);
    t.gen++;
    t.nextFree = m_freeTimer;
    m_freeTimer = i - 1;
}

void
PowrelayApp::FireTimer(uint32_t slot)
{
    Timer& t = m_timers[slot];
    uint32_t kind = t.kind;
    uint64_t arg = t.arg;
    t.gen++; /* stale handles no longer match */
    t.nextFree = m_freeTimer;
    m_freeTimer = slot;
    pr_node_timer(m_pr, kind, arg);
}

/* ---- the host table ---- */

int64_t
PowrelayApp::HostNow(void*)
{
    return Simulator::Now().GetNanoSeconds();
}

void
PowrelayApp::HostSend(void* ctx, uint32_t from, uint32_t to, const uint8_t* msg, size_t len, uint32_t pad)
{
    auto* app = static_cast<PowrelayApp*>(ctx);
    if (from == app->m_id)
        app->Send(to, msg, len, pad);
}

uint64_t
PowrelayApp::HostSetTimer(void* ctx, uint32_t, int64_t delayNs, uint32_t kind, uint64_t arg)
{
    return static_cast<PowrelayApp*>(ctx)->SetTimer(delayNs, kind, arg);
}

void
PowrelayApp::HostCancelTimer(void* ctx, uint32_t, uint64_t handle)
{
    static_cast<PowrelayApp*>(ctx)->CancelTimer(handle);
}

void
PowrelayApp::HostEvent(void* ctx, const struct pr_event* ev)
{
    const Shared* s = static_cast<PowrelayApp*>(ctx)->m_shared;
    if (s->cb.event)
        s->cb.event(s->cb.ctx, ev);
}

} // namespace powrelay
