namespace Overlay.Gossip.Security;

/// <summary>An immutable view of a keyring: the primary key first (used to encrypt, tried first to
/// decrypt), then the other installed keys. Swapped whole when the keyring changes.</summary>
internal sealed class KeySet
{
    private readonly byte[][] _keys;

    internal KeySet(byte[][] keys)
    {
        _keys = keys;
    }

    public static KeySet Empty { get; } = new([]);

    public int Count => _keys.Length;

    public bool IsEmpty => _keys.Length == 0;

    /// <summary>The encryption key; empty when the set is empty.</summary>
    public ReadOnlySpan<byte> Primary => _keys.Length == 0 ? default : _keys[0];

    public ReadOnlySpan<byte> this[int index] => _keys[index];

    internal int IndexOf(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            if (key.SequenceEqual(_keys[i]))
            {
                return i;
            }
        }
        return -1;
    }

    internal byte[][] CopyKeys() => (byte[][])_keys.Clone();
}
