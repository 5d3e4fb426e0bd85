namespace CallCenter.Crm.Tests;

/// <summary>Waiting for what a webhook sets off (the webhooks, signed as the providers sign them: <see cref="Testing.MetaWhatsApp"/>, <see cref="Testing.TwilioCall"/>).</summary>
public static class Payloads
{
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
