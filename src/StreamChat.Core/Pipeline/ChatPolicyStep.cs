namespace StreamChat.Core.Pipeline;

/// <summary>The rest of the pipeline after a policy: the next policy, or the step the policies guard.</summary>
/// <typeparam name="TContext">The context the step works on.</typeparam>
/// <typeparam name="TResult">What the step answers.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The step's answer.</returns>
public delegate ValueTask<TResult> ChatPolicyStep<in TContext, TResult>(TContext context);
