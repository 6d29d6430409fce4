import ChanAPI

/// The methods the daemon answers, by name (the CLI command of the same name calls each).
extension RPCRouter {
    static var node: RPCRouter {
        var router = RPCRouter()
        router.method("info", NoParams.self) { node, _ in await node.info() }
        router.method("stop", NoParams.self) { node, _ in NodeStopped(name: node.local.name, stopped: true) }
        router.after("stop") { node in await node.requestStop() }
        router.method("address", NoParams.self) { node, _ in try node.wallet.addressResult() }
        router.method("balance", NoParams.self) { node, _ in try node.wallet.balanceResult() }
        router.method("send", SendParams.self) { node, params in try node.wallet.send(params) }
        return router
    }
}
