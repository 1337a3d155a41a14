// The entry point of a custom runtime (provided.al2023), used by the Native AOT build, which is published as the
// executable "bootstrap":
//   dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 -p:PublishAot=true -o artifacts/lambda-aot
// The managed dotnet10 runtime (template.yaml) does not run this: it constructs Function and calls HandleAsync.
using StreamChat.Aws.Lambda;
using StreamChat.Samples.Lambda;

await StreamChatLambdaRuntime.RunAsync(Function.CreateHandler);
