/* powrelay ns-3 model: TcpCubic with Linux's slow start (see linux-cubic.h). */
#include "linux-cubic.h"

#include <ns3/tcp-socket-state.h>

namespace powrelay
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(LinuxCubic);

TypeId
LinuxCubic::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PowrelayLinuxCubic")
                            .SetParent<TcpCubic>()
                            .SetGroupName("Internet")
                            .AddConstructor<LinuxCubic>();
    return tid;
}

std::string
LinuxCubic::GetName() const
{
    return "PowrelayLinuxCubic";
}

void
LinuxCubic::IncreaseWindow(Ptr<TcpSocketState> tcb, uint32_t segmentsAcked)
{
    /* Linux's tcp_slow_start: cwnd = min(cwnd + acked, ssthresh), the rest of acked to congestion
     * avoidance. TcpCubic's own slow start (HyStart included) runs for the segments that reach the
     * threshold (so it overshoots by less than one segment), its congestion avoidance for the rest. */
    if (tcb->m_cWnd < tcb->m_ssThresh)
    {
        uint32_t room = (tcb->m_ssThresh - tcb->m_cWnd + tcb->m_segmentSize - 1) / tcb->m_segmentSize;
        if (segmentsAcked > room)
        {
            TcpCubic::IncreaseWindow(tcb, room);
            segmentsAcked -= room;
        }
    }
    TcpCubic::IncreaseWindow(tcb, segmentsAcked);
}

Ptr<TcpCongestionOps>
LinuxCubic::Fork()
{
    return CopyObject<LinuxCubic>(this);
}

} // namespace powrelay
