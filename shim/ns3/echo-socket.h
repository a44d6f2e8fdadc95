/* powrelay ns-3 model: ns-3's TCP socket, optionally with RFC 7323's timestamp echo as Linux keeps it.
 *
 * ns-3 (3.37) takes an arriving segment's timestamp as the one to echo only when the segment's sequence
 * number is at most the highest ACK it sent (RFC 7323's Last.ACK.sent), but it counts only the ACKs it
 * sends alone, not those that ride on its data. On a powrelay connection both sides send messages, so
 * after a quiet spell the first ACKs echo a timestamp from before the spell: the sender samples a round
 * trip as long as the spell and its retransmission timer grows to seconds (docs/validation.md#diagnosis).
 * Linux moves that mark with every segment it sends (tcp_select_window sets rcv_wup). EchoEveryAck does the
 * same here; off (the default) this socket is ns-3's own, so the matrix's runs are unchanged. */
#ifndef POWRELAY_NS3_ECHO_SOCKET_H
#define POWRELAY_NS3_ECHO_SOCKET_H

#include <ns3/node.h>
#include <ns3/socket.h>
#include <ns3/tcp-socket-base.h>

namespace powrelay
{

class EchoSocket : public ns3::TcpSocketBase
{
  public:
    static ns3::TypeId GetTypeId();
    ns3::TypeId GetInstanceTypeId() const override; /* so that its own attribute is set */
    EchoSocket() = default;
    EchoSocket(const EchoSocket& sock) = default; /* a listening socket's fork copies its settings */

  protected:
    uint32_t SendDataPacket(ns3::SequenceNumber32 seq, uint32_t maxSize, bool withAck) override;
    ns3::Ptr<ns3::TcpSocketBase> Fork() override;

  private:
    bool m_echoEveryAck = false;
};

/* A TCP socket on node as ns-3's TcpL4Protocol would make one (its congestion control, recovery and
 * round-trip estimator types), but an EchoSocket. */
ns3::Ptr<ns3::Socket> CreateTcpSocket(ns3::Ptr<ns3::Node> node);

} // namespace powrelay

#endif
