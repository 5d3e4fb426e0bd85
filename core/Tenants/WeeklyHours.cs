using System.Globalization;
using System.Text.RegularExpressions;

namespace CallCenter.Core.Tenants;

/// <summary>
/// Opening hours in a tenant's local time, such as <c>Mon-Fri 09:00-17:30, Sat 10:00-14:00</c>: the hours a human
/// takes transfers, or the hours callbacks may ring. A window lies within one day (end after start, <c>24:00</c>
/// allowed); the text form is what is stored and what the API takes.
/// </summary>
public sealed class WeeklyHours
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private static readonly Regex Part = new(
        @"^(?<from>[A-Z][a-z]{2})(-(?<to>[A-Z][a-z]{2}))? (?<open>[0-2][0-9]:[0-5][0-9])-(?<close>[0-2][0-9]:[0-5][0-9])\z",
        RegexOptions.CultureInvariant);

    private readonly List<(DayOfWeek Day, TimeSpan Open, TimeSpan Close)> _windows;

    private WeeklyHours(List<(DayOfWeek, TimeSpan, TimeSpan)> windows) => _windows = windows;

    /// <summary>Reads the text form; <paramref name="error"/> says what is wrong when it is not valid.</summary>
    public static bool TryParse(string? text, out WeeklyHours? hours, out string? error)
    {
        hours = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 300)
        {
            error = "hours must be text such as 'Mon-Fri 09:00-17:00, Sat 10:00-14:00' (at most 300 characters)";
            return false;
        }

        var windows = new List<(DayOfWeek, TimeSpan, TimeSpan)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var m = Part.Match(part);
            int first = m.Success ? Array.IndexOf(DayNames, m.Groups["from"].Value) : -1;
            int last = m.Success && m.Groups["to"].Success ? Array.IndexOf(DayNames, m.Groups["to"].Value) : first;
            if (first < 0 || last < 0 || !TryTime(m.Groups["open"].Value, out var open) || !TryTime(m.Groups["close"].Value, out var close) || close <= open)
            {
                error = $"'{part}' is not a day or day range (Mon … Sun) followed by HH:mm-HH:mm with the end after the start";
                return false;
            }

            // A range wraps over the week's end: Fri-Mon is Fri, Sat, Sun, Mon.
            for (var day = first; ; day = (day + 1) % 7)
            {
                windows.Add(((DayOfWeek)day, open, close));
                if (day == last)
                {
                    break;
                }
            }
        }

        hours = new WeeklyHours(windows);
        return true;
    }

    public static WeeklyHours Parse(string text) =>
        TryParse(text, out var hours, out var error) ? hours! : throw new FormatException(error);

    /// <summary>Whether <paramref name="at"/> falls inside a window, read in <paramref name="zone"/>.</summary>
    public bool IsOpen(DateTimeOffset at, TimeZoneInfo zone) => NextOpen(at, zone) == at;

    /// <summary>
    /// <paramref name="at"/> itself when it is inside a window, otherwise the start of the next window. A window
    /// opening in a daylight-saving gap opens at the first valid local minute after it.
    /// </summary>
    public DateTimeOffset NextOpen(DateTimeOffset at, TimeZoneInfo zone)
    {
        var localDate = TimeZoneInfo.ConvertTime(at, zone).Date;
        DateTimeOffset? best = null;
        for (var d = -1; d <= 7; d++)
        {
            var date = localDate.AddDays(d);
            foreach (var (day, open, close) in _windows)
            {
                if (date.DayOfWeek != day)
                {
                    continue;
                }

                var start = ToUtc(date + open, zone);
                var end = ToUtc(date + close, zone);
                if (at >= start && at < end)
                {
                    return at;
                }

                if (start > at && (best is null || start < best))
                {
                    best = start;
                }
            }
        }

        return best ?? throw new InvalidOperationException("weekly hours without a window");
    }

    /// <summary>The canonical text form: one window per day, in week order from Monday.</summary>
    public override string ToString() => string.Join(", ", _windows
        .OrderBy(w => ((int)w.Day + 6) % 7).ThenBy(w => w.Open)
        .Select(w => $"{DayNames[(int)w.Day]} {Format(w.Open)}-{Format(w.Close)}"));

    private static string Format(TimeSpan t) => t.TotalHours >= 24 ? "24:00" : t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static bool TryTime(string text, out TimeSpan time)
    {
        var hours = int.Parse(text[..2], CultureInfo.InvariantCulture);
        var minutes = int.Parse(text[3..], CultureInfo.InvariantCulture);
        time = new TimeSpan(hours, minutes, 0);
        return hours < 24 || (hours == 24 && minutes == 0);
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }
}
