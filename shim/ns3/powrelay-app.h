/* powrelay ns-3 model: the application of one simulated node.
 *
 * A PowrelayApp owns its node's pr_node and is that node's host (model/include/powrelay/host.h): the
 * clock is Simulator::Now(), timers are simulator events, and each peer connection is a real ns-3 TCP
 * socket carrying the model's bytes, framed as
 *
 *     u32 length | u32 pad | length message bytes | pad zero bytes        (integers little-endian)
 *
 * so a FLUFF of transactions is as large on the wire as its transactions. The receiver reassembles
 * frames from whatever pieces TCP hands it and delivers each whole one with pr_node_receive().
 *
 * Connections: the node listens on Port; at start it dials each peer it was told it dialled (the
 * overlay graph's direction), and matches each connection it accepts to a peer by the caller's
 * address (addr.h). What the model sends before a connection is up, or while TCP's send buffer is full,
 * waits in an application-level queue per connection, drained as the socket reports room.
 *
 * Re-entrancy (host.h): the host slots only queue bytes, schedule events and report; the model is
 * entered only from simulator events (a timer, bytes arriving), never from inside a slot. */
#ifndef POWRELAY_NS3_APP_H
#define POWRELAY_NS3_APP_H

#include <cstdint>
#include <vector>

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/nstime.h>
#include <ns3/ptr.h>
#include <ns3/socket.h>

#include "powrelay-c.h"
#include "shared.h"

namespace powrelay
{

class PowrelayApp : public ns3::Application
{
  public:
    static ns3::TypeId GetTypeId();
    PowrelayApp();
    ~PowrelayApp() override;

    /* Create this node's pr_node (before the simulation runs). Returns a pr_err. */
    int Setup(Shared* shared, uint32_t id, double hashrate, bool attacker);
    /* A connection of the overlay graph; outbound = this node dials. Before FinishPeers(). */
    int AddPeer(uint32_t peer, bool outbound);
    /* No more peers: index the connections. */
    void FinishPeers();

    struct pr_node* GetPrNode() const;
    uint32_t GetId() const;
    /* Bytes this node's sockets took to send and handed up received (framing and pad included). */
    uint64_t GetBytesIn() const;
    uint64_t GetBytesOut() const;
    /* The pr_node goes; the application must not be run after this. */
    void DestroyPrNode();

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /* Bytes waiting to go to one connection's socket: frame headers and messages in `bytes`, each
     * frame's pad as a count (the zeros are written only into the packet handed to TCP). */
    struct TxQueue
    {
        struct Seg
        {
            uint32_t real; /* header + message bytes, in `bytes` */
            uint32_t pad;  /* zero bytes after them */
        };

        std::vector<uint8_t> bytes;
        size_t head = 0; /* first byte of `bytes` not yet handed over */
        std::vector<Seg> segs;
        size_t seg = 0;   /* first frame not wholly handed over */
        uint64_t off = 0; /* how much of segs[seg] was handed over */
        uint64_t pending = 0;

        void Push(const uint8_t* msg, uint32_t len, uint32_t pad);
        size_t Peek(uint8_t* out, size_t n) const;
        void Consume(size_t n);
    };

    /* One frame being reassembled from a connection's byte stream. */
    struct RxState
    {
        uint8_t hdr[8] = {};
        uint32_t hdrHave = 0;
        bool inBody = false;
        uint32_t len = 0, pad = 0;
        uint32_t bodyHave = 0;
        uint32_t padLeft = 0;
        std::vector<uint8_t> body;
    };

    struct Conn
    {
        uint32_t peer;
        bool outbound;
        bool connected = false;
        bool flushing = false;
        uint8_t dials = 0;
        ns3::Ptr<ns3::Socket> sock;
        TxQueue tx;
        RxState rx;
    };

    struct Timer
    {
        ns3::EventId ev;
        uint32_t kind;
        uint32_t gen;
        uint64_t arg;
        uint32_t nextFree; /* kNone while pending */
    };

    /* The host table's slots (ctx = this application). */
    static int64_t HostNow(void* ctx);
    static void HostSend(void* ctx, uint32_t from, uint32_t to, const uint8_t* msg, size_t len, uint32_t pad);
    static uint64_t HostSetTimer(void* ctx, uint32_t node, int64_t delayNs, uint32_t kind, uint64_t arg);
    static void HostCancelTimer(void* ctx, uint32_t node, uint64_t handle);
    static void HostEvent(void* ctx, const struct pr_event* ev);

    void Send(uint32_t to, const uint8_t* msg, size_t len, uint32_t pad);
    uint64_t SetTimer(int64_t delayNs, uint32_t kind, uint64_t arg);
    void CancelTimer(uint64_t handle);
    void FireTimer(uint32_t slot);

    int32_t FindConn(uint32_t peer) const;
    void Dial(uint32_t ci);
    void Attach(uint32_t ci, ns3::Ptr<ns3::Socket> sock);
    void Flush(uint32_t ci);
    void Parse(uint32_t ci, const uint8_t* data, size_t n);
    void Fail(const char* why);

    /* Socket callbacks; the connection index is bound in front. */
    void HandleConnected(uint32_t ci, ns3::Ptr<ns3::Socket> sock);
    void HandleConnectFailed(uint32_t ci, ns3::Ptr<ns3::Socket> sock);
    void HandleRecv(uint32_t ci, ns3::Ptr<ns3::Socket> sock);
    void HandleSendRoom(uint32_t ci, ns3::Ptr<ns3::Socket> sock, uint32_t available);
    void HandleClosed(uint32_t ci, ns3::Ptr<ns3::Socket> sock);
    void HandleAccept(ns3::Ptr<ns3::Socket> sock, const ns3::Address& from);

    /* Attributes. */
    uint16_t m_port;
    ns3::Time m_dialDelay;
    uint32_t m_chunk;

    Shared* m_shared;
    uint32_t m_id;
    struct pr_host m_host;
    struct pr_node* m_pr;
    std::vector<Conn> m_conns; /* sorted by peer after FinishPeers() */
    std::vector<Timer> m_timers;
    uint32_t m_freeTimer;
    ns3::Ptr<ns3::Socket> m_listen;
    uint64_t m_bytesIn, m_bytesOut;
};

} // namespace powrelay

#endif
