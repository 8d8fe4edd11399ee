import NIOCore
import NIOHTTPTypes

/// Closes a kept-alive connection that has had no request for `timeout`, as Hummingbird's
/// own idle timeout does (its rules below), but told of the requests answered before HTTP
/// decoding too (`WhereOnTheWire` calls `answered()`): Hummingbird's sees only the requests
/// that pass it, and would close a connection busy with those every minute.
/// - a request being read (its head seen, not its end) for longer than `timeout` since its
///   last part: closed;
/// - a request read and not yet answered: left alone, however long the answer takes;
/// - otherwise: closed once `timeout` has passed since the last request part or answer.
final class IdleTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    /// Requests read (head seen) and not yet answered (end written).
    private var inProgress = 0
    private var beingRead = false
    private var lastActive = NIODeadline.now()
    private var timer: Scheduled<Void>?
    /// Called whenever the last request in progress has been answered.
    var whenNoneInProgress: (() -> Void)?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, at: .now() + timeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
        whenNoneInProgress = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActive = .now()
        arm(context, at: lastActive + timeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        whenNoneInProgress = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = .now()
        switch unwrapInboundIn(data) {
        case .head: inProgress += 1; beingRead = true
        case .body: break
        case .end: beingRead = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), inProgress > 0 {
            inProgress -= 1
            lastActive = .now()
            if inProgress == 0 {
                arm(context, at: lastActive + timeout)
                context.write(data, promise: promise)
                whenNoneInProgress?()
                return
            }
        }
        context.write(data, promise: promise)
    }

    /// A request answered before it reached this handler.
    func answered() { lastActive = .now() }

    private func arm(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            self?.fired(context)
        }
    }

    private func fired(_ context: ChannelHandlerContext) {
        timer = nil
        guard context.channel.isActive else { return }
        if !beingRead && inProgress > 0 { return }  // answering: armed again when the answer ends
        let deadline = lastActive + timeout
        if NIODeadline.now() >= deadline {
            context.close(promise: nil)
        } else {
            arm(context, at: deadline)
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}
