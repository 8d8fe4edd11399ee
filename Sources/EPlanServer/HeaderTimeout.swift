import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose first request head has not arrived within `timeout` of it
/// opening: a client that connects and never finishes its headers (slowloris) holds a
/// connection for seconds, not for the idle timeout. Later requests on a kept-alive
/// connection are covered by Hummingbird's idle timeout, which counts from the previous
/// response and is not reset by header bytes (only a whole head resets it).
final class HeaderTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var headSeen = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        headSeen = true
        cancel()
        context.fireChannelRead(data)
        // Its work is done: out of the pipeline, so later requests and answers skip a hop.
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil, !headSeen else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}
