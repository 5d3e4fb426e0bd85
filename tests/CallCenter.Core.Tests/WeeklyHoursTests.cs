using CallCenter.Core.Tenants;

namespace CallCenter.Core.Tests;

public sealed class WeeklyHoursTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData("Mon-Fri 09:00-17:00", "Mon 09:00-17:00, Tue 09:00-17:00, Wed 09:00-17:00, Thu 09:00-17:00, Fri 09:00-17:00")]
    [InlineData("Sat 10:00-14:00, Fri-Sun 20:00-24:00", "Fri 20:00-24:00, Sat 10:00-14:00, Sat 20:00-24:00, Sun 20:00-24:00")]
    public void The_text_form_reads_back_as_one_window_per_day(string text, string canonical) =>
        Assert.Equal(canonical, WeeklyHours.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("Mon 09:00")]
    [InlineData("Mon 17:00-09:00")]
    [InlineData("Monday 09:00-17:00")]
    [InlineData("Mon 09:00-24:30")]
    [InlineData("Mon 25:00-26:00")]
    public void Text_that_is_not_hours_is_refused_with_a_reason(string text)
    {
        Assert.False(WeeklyHours.TryParse(text, out var hours, out var error));
        Assert.Null(hours);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_time_inside_a_window_is_open_and_is_its_own_next_opening()
    {
        var hours = WeeklyHours.Parse("Mon-Fri 09:00-17:00");
        var wednesdayNoon = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.FromHours(-5));

        Assert.True(hours.IsOpen(wednesdayNoon, NewYork));
        Assert.Equal(wednesdayNoon, hours.NextOpen(wednesdayNoon, NewYork));
    }

    [Fact]
    public void Friday_evening_moves_to_monday_morning_in_the_tenant_zone()
    {
        var hours = WeeklyHours.Parse("Mon-Fri 09:00-17:00");
        var fridayEvening = new DateTimeOffset(2026, 12, 4, 18, 30, 0, TimeSpan.FromHours(-5));

        Assert.False(hours.IsOpen(fridayEvening, NewYork));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero), hours.NextOpen(fridayEvening, NewYork));
    }

    [Fact]
    public void The_closing_minute_is_outside_the_window()
    {
        var hours = WeeklyHours.Parse("Mon 09:00-17:00");
        var mondayClose = new DateTimeOffset(2026, 12, 7, 17, 0, 0, TimeSpan.FromHours(-5));

        Assert.False(hours.IsOpen(mondayClose, NewYork));
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 14, 0, 0, TimeSpan.Zero), hours.NextOpen(mondayClose, NewYork));
    }

    [Fact]
    public void A_window_opening_in_the_spring_gap_opens_at_the_first_valid_minute()
    {
        // 2027-03-14 02:00-03:00 does not exist in New York; 03:00 EDT is 07:00 UTC.
        var hours = WeeklyHours.Parse("Sun 02:30-05:00");
        var saturday = new DateTimeOffset(2027, 3, 13, 12, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateTimeOffset(2027, 3, 14, 7, 0, 0, TimeSpan.Zero), hours.NextOpen(saturday, NewYork));
    }
}
