using IoMT.Functions;
using IoMT.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddIoMTFunctions();
builder.Services.AddIoMTTelemetry(builder.Configuration);
builder.Build().Run();
