import ChanAPI

/// The methods the daemon answers, by name (the CLI command of the same name calls each).
extension RPCRouter {
    static var node: RPCRouter {
        var router = RPCRouter()
        router.method("info", NoParams.self) { node, _ in node.info() }
        router.method("stop", NoParams.self) { node, _ in NodeStopped(name: node.local.name, stopped: true) }
        router.after("stop") { node in node.requestStop() }
        // Wallet
        router.method("address", NoParams.self) { node, _ in try node.wallet.addressResult() }
        router.method("balance", NoParams.self) { node, _ in try node.wallet.balanceResult() }
        router.method("send", SendParams.self) { node, params in try node.walletSend(params) }
        // Peers
        router.method("connect", ConnectParams.self) { node, params in try await node.connect(params) }
        router.method("disconnect", PeerParams.self) { node, params in try node.disconnect(params) }
        router.method("peers", NoParams.self) { node, _ in node.peersResult() }
        // Channels
        router.method("open", OpenParams.self) { node, params in try await node.open(params) }
        router.method("channels", NoParams.self) { node, _ in node.channelsResult() }
        router.method("channel", ChannelParams.self) { node, params in try node.channelResult(params) }
        router.method("close", CloseParams.self) { node, params in try await node.close(params) }
        router.method("cheat", CheatParams.self) { node, params in try node.cheat(params) }
        // Gossip and policies
        router.method("graph", NoParams.self) { node, _ in node.graphResult() }
        router.method("fees", NoParams.self) { node, _ in node.feesResult() }
        router.method("fees_set", FeesSetParams.self) { node, params in try node.setFees(params) }
        router.method("route", RouteParams.self) { node, params in AnyResult(try node.route(params)) }
        // Payments
        router.method("invoice", InvoiceParams.self) { node, params in try node.createInvoice(params) }
        router.method("invoices", NoParams.self) { node, _ in try node.invoicesResult() }
        router.method("settle", InvoiceHashParams.self) { node, params in try node.settle(params) }
        router.method("cancel", InvoiceHashParams.self) { node, params in try node.cancel(params) }
        router.method("pay", PayParams.self) { node, params in try await node.pay(params) }
        router.method("payments", NoParams.self) { node, _ in try node.paymentsResult() }
        router.method("forwards", NoParams.self) { node, _ in try node.forwardsResult() }
        // Waiting and watching
        router.method("wait", WaitParams.self) { node, params in try await node.wait(params) }
        router.stream("events", NoParams.self) { node, _, writer in
            let (id, stream) = node.subscribe()
            defer { Task { node.unsubscribe(id) } }
            for await event in stream {
                guard writer.write(try RPCJSON.line(RPCNotification(params: event))) else { return }
            }
        }
        return router
    }
}
