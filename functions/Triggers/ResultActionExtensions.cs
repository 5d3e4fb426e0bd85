using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CallCenter.Functions.Triggers;

internal static class ResultActionExtensions
{
    public static async Task<IActionResult> AsAction<T>(this Task<T> result) where T : IResult => new ResultAction(await result);
}
