// Cluster tests run on real sockets and real time: in parallel on two cores they would measure the machine's
// load, not the protocol. One at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
