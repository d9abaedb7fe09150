namespace Fleet.Domain.Topics;

/// <summary>Who a broker identity is; the role decides which topics it may use.</summary>
public enum BrokerRole
{
    Detector,
    Api,
    Monitor,
}
