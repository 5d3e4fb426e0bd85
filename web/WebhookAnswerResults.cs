using CallCenter.Core.Calls;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Web;

public static class WebhookAnswerResults
{
    public static IResult ToResult(this WebhookAnswer answer) =>
        Results.Text(answer.Body, answer.ContentType, statusCode: answer.StatusCode);
}
