import CDNNL

/// Work oneDNN runs inside a primitive, after its main computation (a post-op).
enum PostOp: Hashable {
    /// y = max(y, 0).
    case relu
    /// y += what the destination held (a residual add).
    case accumulate
    /// y = GELU(y), exact (erf) form.
    case geluErf
}

extension Primitive {
    /// The primitive an operation descriptor describes (a convolution's, in either
    /// direction, or a matmul's), with `postOps` in its attributes. A backward primitive
    /// names the forward one it pairs with as `hint`; `what` names it in failures.
    convenience init<Descriptor>(describing descriptor: Descriptor, postOps: [PostOp] = [], hint: Primitive? = nil,
                                 _ what: @autoclosure () -> String) {
        let (status, primitiveDescriptor) = Self.describe(descriptor, postOps: postOps, hint: hint)
        check(status, "creating \(what())")
        self.init(descriptor: primitiveDescriptor!)
    }

    /// As `init(describing:)`, or nil where oneDNN has no implementation for the
    /// descriptor (an algorithm it offers only for some geometries).
    convenience init?<Descriptor>(ifImplemented descriptor: Descriptor, postOps: [PostOp] = [], hint: Primitive? = nil) {
        let (status, primitiveDescriptor) = Self.describe(descriptor, postOps: postOps, hint: hint)
        guard status == dnnl_success, let primitiveDescriptor else { return nil }
        self.init(descriptor: primitiveDescriptor)
    }

    private static func describe<Descriptor>(_ descriptor: Descriptor, postOps: [PostOp],
                                             hint: Primitive?) -> (dnnl_status_t, dnnl_primitive_desc_t?) {
        var attributes: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attributes), "creating primitive attributes")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if !postOps.isEmpty {
            var operations: dnnl_post_ops_t?
            check(dnnl_post_ops_create(&operations), "creating post-ops")
            for postOp in postOps {
                switch postOp {
                case .relu: check(dnnl_post_ops_append_eltwise(operations, 1, dnnl_eltwise_relu, 0, 0), "appending ReLU")
                case .accumulate: check(dnnl_post_ops_append_sum(operations, 1), "appending a sum")
                case .geluErf: check(dnnl_post_ops_append_eltwise(operations, 1, dnnl_eltwise_gelu_erf, 0, 0), "appending GELU")
                }
            }
            check(dnnl_primitive_attr_set_post_ops(attributes, operations), "setting post-ops")
            dnnl_post_ops_destroy(operations)
        }
        var descriptor = descriptor
        var primitiveDescriptor: dnnl_primitive_desc_t?
        let status = withUnsafePointer(to: &descriptor) {
            dnnl_primitive_desc_create(&primitiveDescriptor, $0, attributes, Engine.shared.engine, hint?.descriptor)
        }
        return (status, primitiveDescriptor)
    }
}
