namespace CallCenter.Core.Workflow;

/// <summary>What every step of the call workflow is given: the call it works on, for its span and its logs.</summary>
public interface ICallStepInput
{
    string TenantId { get; }

    string CallSid { get; }
}
