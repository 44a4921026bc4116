using System.Runtime.CompilerServices;

// The network transport's internals (packet writer, stream reader, filters) are tested directly.
[assembly: InternalsVisibleTo("Overlay.Gossip.Net.Tests")]
