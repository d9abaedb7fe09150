using Fleet.Api.Mqtt;

namespace Fleet.Api.Tests.Security;

/// <summary>The framing check the embedded broker applies to every received byte before MQTTnet sees it.</summary>
public sealed class MqttFrameGuardTests
{
    [Fact]
    public void Packets_WithinTheLimit_AreAccepted_HoweverTheBytesAreSplit()
    {
        // PINGREQ (no body), then a 300-byte PUBLISH body, then DISCONNECT.
        byte[] stream = [0xC0, 0x00, 0x30, 0xAC, 0x02, .. new byte[300], 0xE0, 0x00];

        Assert.True(new MqttFrameGuard().Accept(stream, limit: 300));
        var guard = new MqttFrameGuard();
        Assert.All(stream, b => Assert.True(guard.Accept([b], limit: 300)));
    }

    [Fact]
    public void Header_DeclaringMoreThanTheLimit_IsRefusedBeforeItsLastLengthByte()
    {
        var guard = new MqttFrameGuard();

        // 268,435,455 = FF FF FF 7F: 16,383 after two length bytes, already over a 16 KiB limit after the third.
        Assert.True(guard.Accept([0x10, 0xFF, 0xFF], limit: 16 * 1024));
        Assert.False(guard.Accept([0xFF], limit: 16 * 1024));
    }

    [Fact]
    public void SecondPacket_OverTheLimit_IsRefused_AfterAFirstOneWithin()
    {
        byte[] first = [0x30, 0x03, 1, 2, 3];
        byte[] second = [0x30, 0x80, 0x01]; // 128

        var guard = new MqttFrameGuard();

        Assert.True(guard.Accept(first, limit: 127));
        Assert.False(guard.Accept(second, limit: 127));
    }

    [Fact]
    public void RemainingLength_LongerThanFourBytes_IsRefused()
    {
        Assert.False(new MqttFrameGuard().Accept([0x30, 0x80, 0x80, 0x80, 0x80, 0x01], limit: int.MaxValue));
    }
}
