using RnnGen.Training;

namespace CrowdSample;

/// <summary>
/// A square arena of side <see cref="Size"/> with round obstacles. Agents move at most <see cref="MaxSpeed"/> per frame;
/// a goal counts as reached within <see cref="GoalRadius"/>. <see cref="Observe"/> is what the policy (and the expert)
/// sees, relative to the agent: the direction and distance to its goal, the offset and clearance of the nearest
/// obstacle, and its own velocity.
/// </summary>
public sealed class Arena
{
    public const float Size = 100, MaxSpeed = 0.6f, GoalRadius = 2.5f, AgentRadius = 0.5f;
    public const int Observation = 8;

    public Arena(ulong seed, int obstacles)
    {
        var random = new SeededRandom(seed);
        Obstacles = new (float X, float Y, float R)[obstacles];
        for (int i = 0; i < obstacles; i++)
            Obstacles[i] = ((float)(10 + 80 * random.NextDouble()), (float)(10 + 80 * random.NextDouble()), (float)(3 + 5 * random.NextDouble()));
    }

    public (float X, float Y, float R)[] Obstacles { get; }

    /// <summary>A random free point (outside every obstacle by a margin).</summary>
    public (float X, float Y) FreePoint(SeededRandom random)
    {
        while (true)
        {
            float x = (float)(2 + (Size - 4) * random.NextDouble()), y = (float)(2 + (Size - 4) * random.NextDouble());
            if (Obstacles.All(o => Distance(x, y, o.X, o.Y) > o.R + 2)) return (x, y);
        }
    }

    /// <summary>The nearest obstacle's offset from (x, y) and the clearance to its edge.</summary>
    public (float Dx, float Dy, float Clearance) Nearest(float x, float y)
    {
        (float Dx, float Dy, float Clearance) best = (0, 0, float.MaxValue);
        foreach (var o in Obstacles)
        {
            float clearance = Distance(x, y, o.X, o.Y) - o.R;
            if (clearance < best.Clearance) best = (o.X - x, o.Y - y, clearance);
        }
        return best;
    }

    /// <summary>Writes the agent's observation (8 floats, each of order 1).</summary>
    public void Observe(in Agent a, Span<float> observation)
    {
        float gx = a.GoalX - a.X, gy = a.GoalY - a.Y, goal = MathF.Max(1e-3f, MathF.Sqrt(gx * gx + gy * gy));
        var (ox, oy, clearance) = Nearest(a.X, a.Y);
        float od = MathF.Max(1e-3f, MathF.Sqrt(ox * ox + oy * oy));
        observation[0] = gx / goal;
        observation[1] = gy / goal;
        observation[2] = MathF.Min(goal, 20) / 20;
        observation[3] = ox / od;
        observation[4] = oy / od;
        observation[5] = MathF.Min(clearance, 10) / 10;
        observation[6] = a.Vx / MaxSpeed;
        observation[7] = a.Vy / MaxSpeed;
    }

    /// <summary>
    /// The scripted expert: head for the goal, and when an obstacle is close, blend in a detour along its tangent (on the
    /// side of the goal) and a push away from it. Returns the velocity as a fraction of <see cref="MaxSpeed"/>.
    /// </summary>
    public static (float Vx, float Vy) Expert(ReadOnlySpan<float> o)
    {
        float gx = o[0], gy = o[1], ox = o[3], oy = o[4], clearance = o[5] * 10;
        float near = Math.Clamp(1 - clearance / 5f, 0, 1);
        // Tangent of the obstacle on the goal's side: perpendicular to the obstacle direction.
        float tx = -oy, ty = ox;
        if (tx * gx + ty * gy < 0) { tx = -tx; ty = -ty; }
        float heading = gx * ox + gy * oy; // > 0: the obstacle is ahead
        float detour = heading > 0 ? near : 0;
        float vx = (1 - detour) * gx + detour * tx - near * near * ox;
        float vy = (1 - detour) * gy + detour * ty - near * near * oy;
        float norm = MathF.Max(1e-3f, MathF.Sqrt(vx * vx + vy * vy));
        float speed = MathF.Min(1, o[2] * 20 / 3); // slow down on arrival
        return (vx / norm * speed, vy / norm * speed);
    }

    /// <summary>Moves the agent by a velocity (fraction of MaxSpeed), keeps it in the arena and out of obstacles; returns whether it touched one.</summary>
    public bool Move(ref Agent a, float vx, float vy)
    {
        float speed = MathF.Sqrt(vx * vx + vy * vy);
        if (speed > 1) { vx /= speed; vy /= speed; }
        a.Vx = vx * MaxSpeed;
        a.Vy = vy * MaxSpeed;
        a.X = Math.Clamp(a.X + a.Vx, 0, Size);
        a.Y = Math.Clamp(a.Y + a.Vy, 0, Size);
        bool touched = false;
        foreach (var o in Obstacles)
        {
            float d = Distance(a.X, a.Y, o.X, o.Y), limit = o.R + AgentRadius;
            if (d >= limit) continue;
            touched = true;
            float push = (limit - d) / MathF.Max(d, 1e-3f);
            a.X += (a.X - o.X) * push;
            a.Y += (a.Y - o.Y) * push;
        }
        return touched;
    }

    public static float Distance(float x1, float y1, float x2, float y2) => MathF.Sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
}

/// <summary>One agent: position, velocity, goal, and where it started (for the picture).</summary>
public struct Agent
{
    public float X, Y, Vx, Vy, GoalX, GoalY;
}
