import OneDNN

/// Multi-head split and merge as strided views, without copies.
///
/// The qkv Linear writes rows of [3, H, dₕ] per token, so over a batch qkv is
/// [N, T, 3, H, dₕ] (PyTorch's `reshape(B, T, 3, H, dₕ)`). Head h of Q is then the
/// T×dₕ matrix starting at element h·dₕ of image n, rows 3d apart; K and V start d
/// and 2d further on. The attention output is written as [N, T, H, dₕ] = [N, T, d],
/// the merged heads the projection reads. Scores are dense [N, H, T, T].
///
/// With `queries` = 1, only the first token (the class token) asks: scores are
/// [N, H, 1, T] and the output [N, 1, d]; keys and values still span every token.
struct HeadViews: Equatable {
    typealias View = MatrixMultiply.MatrixView
    let images, tokens, queries, heads, headDimension: Int
    var dimension: Int { heads * headDimension }
    var batch: [Int] { [images, heads] }

    /// Q, K or V inside the qkv tensor (offset the pointer by `offset(of:)`).
    var projection: View { View(batchStrides: [tokens * 3 * dimension, headDimension], rowStride: 3 * dimension) }
    /// The merged heads [N, queries, d].
    var merged: View { View(batchStrides: [queries * dimension, headDimension], rowStride: dimension) }
    /// Scores and probabilities [N, H, queries, T].
    var scores: View { .dense(batch: batch, rows: queries, columns: tokens) }

    enum Part: Int { case query = 0, key, value }
    /// Where `part`'s first element sits in a qkv row.
    func offset(of part: Part) -> Int { part.rawValue * dimension }

    /// S = Q·Kᵀ (queries×dₕ times dₕ×T) per image and head.
    func scoreProduct() -> BatchedMatrixProduct {
        BatchedMatrixProduct(batch: batch, m: queries, n: tokens, k: headDimension, a: projection, b: projection.transposed, c: scores)
    }

    /// O = P·V (queries×T times T×dₕ) per image and head, into the merged heads.
    func valueProduct() -> BatchedMatrixProduct {
        BatchedMatrixProduct(batch: batch, m: queries, n: headDimension, k: tokens, a: scores, b: projection, c: merged)
    }
}
