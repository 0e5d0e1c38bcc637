namespace RnnGen.Streaming;

/// <summary>One event fired by an <see cref="EventDetector"/> inside a <see cref="StreamRunner"/>.</summary>
/// <param name="Detector">Index of the detector in the list given to the runner.</param>
/// <param name="OutputIndex">The model output (e.g. class) the detector watches.</param>
/// <param name="Tick">The <see cref="FrameStamp.Tick"/> of the frame that fired it.</param>
/// <param name="Time">The <see cref="FrameStamp.Time"/> of that frame.</param>
/// <param name="Score">The (smoothed) score that completed the minimum duration.</param>
public readonly record struct StreamEvent(int Detector, int OutputIndex, long Tick, double Time, float Score);
