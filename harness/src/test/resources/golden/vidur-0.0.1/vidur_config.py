# Written by tokencost for Vidur 0.0.1. Paste each part into the file its comment names;
# skip the model if vidur/config/model_config.py already has a class whose get_name() returns its name.

# vidur/types/device_sku_type.py, in class DeviceSKUType (the next free number):
#     NVIDIA_H100_80GB_HBM3 = <n>

# vidur/config/device_sku_config.py:
@dataclass
class TokencostNvidia_h100_80gb_hbm3DeviceSKUConfig(BaseDeviceSKUConfig):
    fp16_tflops: int = 400  # measured: the best 16-bit gemm row
    total_memory_gb: int = 80

    @staticmethod
    def get_type():
        return DeviceSKUType.NVIDIA_H100_80GB_HBM3


# vidur/config/model_config.py (a Llama-style layer: gated SiLU MLP, RMSNorm, rotary):
@dataclass
class TokencostTinyModelConfig(Llama2ModelConfig):
    num_layers: int = 2
    num_q_heads: int = 8
    num_kv_heads: int = 2
    embedding_dim: int = 1024
    mlp_hidden_dim: int = 2048
    vocab_size: int = 4096

    @staticmethod
    def get_name():
        return "test-org/tiny"
