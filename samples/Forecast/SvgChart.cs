using System.Globalization;
using System.Text;

namespace ForecastSample;

/// <summary>A minimal line chart written as plain SVG text: axes, grid, labelled ticks, a legend, and one polyline per series segment.</summary>
public sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private const int Width = 1000, Height = 420, Left = 60, Right = 20, Top = 60, Bottom = 50;
    private readonly List<(string Name, string Color, bool Dashed, List<(double X, double Y)[]> Segments)> _series = [];
    private readonly List<double> _markers = [];

    /// <summary>Adds one connected run of points to the series called <paramref name="name"/> (created on first use).</summary>
    public void Add(string name, string color, bool dashed, IEnumerable<(double X, double Y)> points)
    {
        var series = _series.FirstOrDefault(s => s.Name == name);
        if (series.Name is null)
        {
            series = (name, color, dashed, []);
            _series.Add(series);
        }
        series.Segments.Add(points.ToArray());
    }

    /// <summary>A vertical dotted line at <paramref name="x"/> (e.g. a forecast origin).</summary>
    public void Marker(double x) => _markers.Add(x);

    public string Render()
    {
        var all = _series.SelectMany(s => s.Segments).SelectMany(p => p).ToArray();
        double x0 = all.Min(p => p.X), x1 = all.Max(p => p.X);
        double y0 = Math.Floor(all.Min(p => p.Y) / 20) * 20, y1 = Math.Ceiling(all.Max(p => p.Y) / 20) * 20;
        double Sx(double x) => Left + (x - x0) / (x1 - x0) * (Width - Left - Right);
        double Sy(double y) => Height - Bottom - (y - y0) / (y1 - y0) * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        for (double y = y0; y <= y1 + 1e-9; y += 20)
        {
            svg.Append(F($"<line x1=\"{Left}\" y1=\"{Sy(y):0.#}\" x2=\"{Width - Right}\" y2=\"{Sy(y):0.#}\" stroke=\"#e5e5e5\"/>\n"));
            svg.Append(F($"<text x=\"{Left - 6}\" y=\"{Sy(y) + 4:0.#}\" text-anchor=\"end\">{y:0}</text>\n"));
        }
        double step = NiceStep((x1 - x0) / 10);
        for (double x = Math.Ceiling(x0 / step) * step; x <= x1; x += step)
            svg.Append(F($"<text x=\"{Sx(x):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{x:0}</text>\n"));
        foreach (double m in _markers)
            svg.Append(F($"<line x1=\"{Sx(m):0.#}\" y1=\"{Top}\" x2=\"{Sx(m):0.#}\" y2=\"{Height - Bottom}\" stroke=\"#999\" stroke-dasharray=\"2,3\"/>\n"));
        svg.Append(F($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(F($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(F($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(F($"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>\n"));

        for (int i = 0; i < _series.Count; i++)
        {
            var (name, color, dashed, segments) = _series[i];
            string dash = dashed ? " stroke-dasharray=\"6,4\"" : "";
            foreach (var points in segments)
            {
                svg.Append(F($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\"{dash} points=\""));
                foreach (var (x, y) in points) svg.Append(F($"{Sx(x):0.#},{Sy(y):0.#} "));
                svg.Append("\"/>\n");
            }
            double lx = Left + 15 + i * 200;
            svg.Append(F($"<line x1=\"{lx}\" y1=\"{Top - 16}\" x2=\"{lx + 24}\" y2=\"{Top - 16}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n"));
            svg.Append(F($"<text x=\"{lx + 30}\" y=\"{Top - 12}\">{Escape(name)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The smallest of 1, 2 or 5 times a power of ten that is at least <paramref name="rough"/>.</summary>
    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(rough, 1))));
        return rough <= power ? power : rough <= 2 * power ? 2 * power : rough <= 5 * power ? 5 * power : 10 * power;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
