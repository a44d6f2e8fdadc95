/* powrelay ns-3 model: ns-3's TCP socket with Linux's timestamp echo, optionally (see echo-socket.h). */
#include "echo-socket.h"

#include <ns3/boolean.h>
#include <ns3/object-factory.h>
#include <ns3/rtt-estimator.h>
#include <ns3/tcp-congestion-ops.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/tcp-recovery-ops.h>
#include <ns3/tcp-rx-buffer.h>
#include <ns3/tcp-socket-state.h>
#include <ns3/type-id.h>

namespace powrelay
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(EchoSocket);

TypeId
EchoSocket::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::PowrelayEchoSocket")
            .SetParent<TcpSocketBase>()
            .SetGroupName("Internet")
            .AddConstructor<EchoSocket>()
            .AddAttribute("EchoEveryAck",
                          "Count ACKs sent on data, not only ACKs sent alone, in the highest ACK sent that decides "
                          "which timestamp to echo (Linux's rule)",
                          BooleanValue(false), MakeBooleanAccessor(&EchoSocket::m_echoEveryAck),
                          MakeBooleanChecker());
    return tid;
}

TypeId
EchoSocket::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
EchoSocket::SendDataPacket(SequenceNumber32 seq, uint32_t maxSize, bool withAck)
{
    uint32_t sent = TcpSocketBase::SendDataPacket(seq, maxSize, withAck);
    if (m_echoEveryAck && withAck)
    {
        /* the segment acknowledged everything received in order, as a pure ACK would have */
        SequenceNumber32 ack = m_tcb->m_rxBuffer->NextRxSequence();
        if (m_highTxAck < ack)
            m_highTxAck = ack;
    }
    return sent;
}

Ptr<TcpSocketBase>
EchoSocket::Fork()
{
    return CopyObject<EchoSocket>(this);
}

Ptr<Socket>
CreateTcpSocket(Ptr<Node> node)
{
    Ptr<TcpL4Protocol> tcp = node->GetObject<TcpL4Protocol>();
    TypeIdValue rttType, congestionType, recoveryType;
    tcp->GetAttribute("RttEstimatorType", rttType);
    tcp->GetAttribute("SocketType", congestionType);
    tcp->GetAttribute("RecoveryType", recoveryType);
    ObjectFactory rtt(rttType.Get().GetName()), congestion(congestionType.Get().GetName()),
        recovery(recoveryType.Get().GetName());

    Ptr<EchoSocket> socket = CreateObject<EchoSocket>();
    socket->SetNode(node);
    socket->SetTcp(tcp);
    socket->SetRtt(rtt.Create<RttEstimator>());
    socket->SetCongestionControlAlgorithm(congestion.Create<TcpCongestionOps>());
    socket->SetRecoveryAlgorithm(recovery.Create<TcpRecoveryOps>());
    tcp->AddSocket(socket);
    return socket;
}

} // namespace powrelay
