namespace RnnGen.Training;

/// <summary>Random matrices with orthonormal columns (or rows), the way <c>torch.nn.init.orthogonal_</c> makes them.</summary>
internal static class OrthogonalMatrix
{
    /// <summary>
    /// Fills a row-major [rows × cols] matrix with the Q factor of a standard normal matrix (its transpose when
    /// rows &lt; cols). Q comes from modified Gram–Schmidt with one re-orthogonalisation pass, in double; Gram–Schmidt's
    /// R has a positive diagonal, which is the sign convention torch imposes on its Householder QR, so Q is Haar-distributed.
    /// </summary>
    public static void Fill(Span<float> destination, int rows, int cols, SeededRandom random)
    {
        bool tall = rows >= cols;
        int m = tall ? rows : cols; // length of each column being orthonormalised
        int n = tall ? cols : rows; // number of such columns
        var a = new double[n * m];  // column j is a[j·m .. (j+1)·m)
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                a[tall ? c * m + r : r * m + c] = random.NextNormal();

        for (int j = 0; j < n; j++)
        {
            Span<double> v = a.AsSpan(j * m, m);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int k = 0; k < j; k++)
                {
                    ReadOnlySpan<double> q = a.AsSpan(k * m, m);
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += q[i] * v[i];
                    for (int i = 0; i < m; i++) v[i] -= dot * q[i];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += v[i] * v[i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) v[i] /= norm;
        }

        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                destination[r * cols + c] = (float)a[tall ? c * m + r : r * m + c];
    }
}
