namespace Fleet.Api.Mqtt;

/// <summary>
/// Follows the MQTT framing of the bytes a connection receives (a type byte, a remaining length of one to four bytes,
/// that many body bytes, repeat) and says when a packet declares more than a limit, before the declared length is
/// handed on: MQTTnet allocates the whole body as soon as it has read the length.
/// </summary>
internal sealed class MqttFrameGuard
{
    private const int MaxLengthBytes = 4;
    private int _bodyLeft;
    private bool _inLength;
    private int _length;
    private int _lengthBytes;
    private int _multiplier;

    /// <summary>
    /// Takes the next received bytes. False when a packet in them declares a remaining length over
    /// <paramref name="limit"/> or a malformed one: the connection must be closed without passing these bytes on.
    /// </summary>
    public bool Accept(ReadOnlySpan<byte> bytes, int limit)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (_bodyLeft > 0)
            {
                var skip = Math.Min(_bodyLeft, bytes.Length - i);
                _bodyLeft -= skip;
                i += skip;
                continue;
            }

            var b = bytes[i++];
            if (!_inLength)
            {
                // The type-and-flags byte; the remaining length follows.
                _inLength = true;
                _length = 0;
                _lengthBytes = 0;
                _multiplier = 1;
                continue;
            }

            _length += (b & 0x7F) * _multiplier;
            _multiplier *= 128;
            _lengthBytes++;
            if (_length > limit || ((b & 0x80) != 0 && _lengthBytes == MaxLengthBytes))
            {
                return false;
            }

            if ((b & 0x80) == 0)
            {
                _inLength = false;
                _bodyLeft = _length;
            }
        }

        return true;
    }
}
